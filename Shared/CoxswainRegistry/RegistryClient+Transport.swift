import AsyncHTTPClient
import CoxswainCore
import Foundation
import Logging
import NIOCore

/// The HTTP methods the client sends.
enum RegistryMethod: String, Sendable {
    case get = "GET", post = "POST"
}

extension RegistryClient {
    /// The instant a public operation must be done by.
    typealias Deadline = ContinuousClock.Instant

    /// The deadline of an operation starting now.
    func operationDeadline() -> Deadline { .now + timeout }

    /// The stored login, unless both parts are empty.
    var credentials: RegistryLogin? {
        guard let login, !(login.username.isEmpty && login.password.isEmpty) else { return nil }
        return login
    }

    /// `NAME at HOST`, how messages name the registry.
    var registryLabel: String {
        let host = registry.host ?? "no host"
        return registry.name.isEmpty ? host : "\(registry.name) at \(host)"
    }

    /// GET `url`, following up to ``maximumRedirects`` redirects the HTTP client left to us
    /// (credentials are dropped when a redirect leaves the origin).
    func get(_ url: String, headers: [(String, String)], deadline: Deadline) async throws(RegistryError) -> RegistryResponse {
        var current = url
        var headers = headers
        for _ in 0...Self.maximumRedirects {
            let response = try await send(.get, current, headers: headers, deadline: deadline)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.value("Location"),
                let target = LinkHeader.resolve(location, against: current)
            else { return response }
            if !Self.sameOrigin(target, current) {
                headers.removeAll {
                    $0.0.caseInsensitiveCompare("Authorization") == .orderedSame || $0.0.caseInsensitiveCompare("PRIVATE-TOKEN") == .orderedSame
                }
            }
            current = target
        }
        throw .badResponse("registry \(registryLabel) redirected \(url) more than \(Self.maximumRedirects) times")
    }

    /// Sends one request and reads the whole answer (at most ``maximumResponseBytes``) within
    /// the time left until `deadline`.
    func send(
        _ method: RegistryMethod, _ url: String, headers: [(String, String)], body: [UInt8]? = nil, deadline: Deadline
    ) async throws(RegistryError) -> RegistryResponse {
        let started = ContinuousClock.now
        // At most a day: the conversion to nanoseconds below must not overflow.
        let remaining = min(deadline - started, .seconds(86400))
        guard remaining > .zero else { throw .timedOut(timeout) }
        var request = HTTPClientRequest(url: url)
        switch method {
        case .get: request.method = .GET
        case .post: request.method = .POST
        }
        request.headers.add(name: "User-Agent", value: "coxswain/\(CoxswainVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
        let client = httpClient
        let logger = logger
        let prepared = request
        let limit = Self.maximumResponseBytes
        let response: RegistryResponse
        do {
            response = try await withTimeout(remaining, "\(method.rawValue) \(url)") {
                let response = try await client.execute(prepared, deadline: .now() + .nanoseconds(nanoseconds), logger: logger)
                if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
                    throw NIOTooManyBytesError(maxBytes: limit)
                }
                let body = try await response.body.collect(upTo: limit)
                return RegistryResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body, url: url)
            }
        } catch {
            let failure = transportFailure(error, url: url)
            logger.debug(
                "registry request failed",
                metadata: [
                    RegistryLogMetadata.registry: "\(registry.name)", RegistryLogMetadata.request: "\(method.rawValue) \(url)",
                    RegistryLogMetadata.error: "\(failure)",
                ])
            throw failure
        }
        logger.debug(
            "registry request",
            metadata: [
                RegistryLogMetadata.registry: "\(registry.name)", RegistryLogMetadata.request: "\(method.rawValue) \(url)",
                RegistryLogMetadata.status: "\(response.status)", RegistryLogMetadata.milliseconds: "\(Self.milliseconds(ContinuousClock.now - started))",
            ])
        return response
    }

    /// Maps a transport failure: deadlines to ``RegistryError/timedOut(_:)``, an oversized body
    /// to ``RegistryError/badResponse(_:)``, anything else to ``RegistryError/unreachable(_:)``.
    func transportFailure(_ error: any Error, url: String) -> RegistryError {
        switch error {
        case let error as RegistryError:
            return error
        case is TimeoutError:
            return .timedOut(timeout)
        case let error as HTTPClientError where error == .deadlineExceeded:
            return .timedOut(timeout)
        case is NIOTooManyBytesError:
            return .badResponse("registry \(registryLabel) sent more than \(Self.maximumResponseBytes >> 20) MiB for \(url)")
        case is CancellationError:
            return .unreachable("the request to \(url) was cancelled")
        default:
            return .unreachable(scrub("cannot reach \(url): \(Self.reason(error))"))
        }
    }

    /// A short, lowercase reason for a connection failure (`connection refused`, `cannot resolve host`).
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return errnoReason(error.errnoCode) }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the connection was closed before an answer"
            case .tlsHandshakeTimeout: return "TLS handshake timed out"
            case .invalidURL: return "invalid URL"
            default: return "\(error)".prefix(200).lowercased()
            }
        }
        let text = String(describing: error)
        // NIOPosix's NIOConnectionError lists each attempt; the errno of the first is the reason.
        if text.contains("NIOConnectionError") {
            if let errno = firstErrno(in: text) { return errnoReason(errno) }
            if text.contains("dnsAError: Optional") || text.contains("dnsAAAAError: Optional") { return "cannot resolve host" }
        }
        if text.contains("NXDOMAIN") || text.contains("nodename nor servname") || text.contains("Name or service not known") { return "cannot resolve host" }
        if text.contains("NIOSSL") || text.contains("handshakeFailed") || text.contains("BoringSSL") { return "TLS handshake failed (\(text.prefix(160)))" }
        return String(text.prefix(200))
    }

    /// `strerror` of `code`, lowercased (`connection refused`).
    static func errnoReason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// The first `errnoCode: N` in an error's description.
    private static func firstErrno(in text: String) -> Int32? {
        guard let range = text.range(of: "errnoCode: ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return digits.count <= 5 ? Int32(digits) : nil
    }

    /// Whether two URLs share scheme, host and port.
    static func sameOrigin(_ first: String, _ second: String) -> Bool {
        guard let a = URLComponents(string: first), let b = URLComponents(string: second) else { return false }
        func port(_ url: URLComponents) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// `text` with the password and every token replaced by `<hidden>`.
    func scrub(_ text: String) -> String {
        var text = text
        let secrets = ([credentials?.password].compactMap { $0 } + authCache.secrets).filter { $0.count >= 4 }
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "<hidden>")
        }
        return text
    }

    /// Milliseconds of a duration.
    static func milliseconds(_ duration: Duration) -> Int {
        let (milliseconds, overflow) = duration.components.seconds.multipliedReportingOverflow(by: 1000)
        let (total, sumOverflow) = milliseconds.addingReportingOverflow(duration.components.attoseconds / 1_000_000_000_000_000)
        return overflow || sumOverflow ? Int.max : Int(clamping: total)
    }
}
