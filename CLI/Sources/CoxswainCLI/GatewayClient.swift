import AsyncHTTPClient
import CoxswainCore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization

/// Where the CLI reaches the Gateway: its UNIX socket (default) or an HTTP address with a token.
package enum GatewayEndpoint: Sendable, Equatable {
    case socket(String)
    case http(base: String, token: String?)
    /// HTTP with a login session saved by `coxswain login`.
    case session(base: String, secret: String)

    func url(_ path: String) -> String {
        switch self {
        case .socket(let socketPath):
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let host = socketPath.addingPercentEncoding(withAllowedCharacters: allowed) ?? socketPath
            return "http+unix://\(host)\(path)"
        case .http(let base, _), .session(let base, _):
            return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
        }
    }
}

/// What went wrong talking to the Gateway, in words for the operator.
package enum ClientError: Error, CustomStringConvertible {
    /// The Gateway answered with an error (4xx/5xx).
    case api(status: Int, APIError)
    /// The Gateway could not be reached.
    case unreachable(String)
    /// The Gateway answered something the CLI cannot read.
    case badResponse(String)

    package var description: String {
        switch self {
        case .api(_, let e): e.reason
        case .unreachable(let s): s
        case .badResponse(let s): "unexpected answer from the gateway: \(s)"
        }
    }
}

/// A small JSON client for the Gateway's `/v1` API, including its server-sent event streams.
package final class GatewayClient: Sendable {
    let endpoint: GatewayEndpoint
    let team: String?
    let http: HTTPClient

    /// Why requests cannot be sent (an unreadable CA file), said at the first request.
    let setupProblem: String?

    /// A client for `endpoint`, acting in `team`. `caFile` (PEM) is the CA (or the self-signed
    /// certificate) trusted for an `https://` Gateway instead of the system's trust store.
    package init(endpoint: GatewayEndpoint, team: String? = nil, caFile: String? = nil) {
        self.endpoint = endpoint
        self.team = team
        var configuration = HTTPClient.Configuration()
        var problem: String?
        if let caFile {
            if FileManager.default.isReadableFile(atPath: caFile) {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(caFile)
                tls.minimumTLSVersion = .tlsv12
                configuration.tlsConfiguration = tls
            } else {
                problem = "cannot read the CA file \(caFile) (--ca-file or COXSWAIN_CA_FILE)"
            }
        }
        setupProblem = problem
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        if let warning = Self.plainHTTPWarning(endpoint) { Self.note(warning) }
    }

    /// A warning for plain `http://` to a host that is not loopback: passwords, sessions and tokens
    /// would cross the network unencrypted.
    package static func plainHTTPWarning(_ endpoint: GatewayEndpoint) -> String? {
        let base: String
        switch endpoint {
        case .socket: return nil
        case .http(let b, _), .session(let b, _): base = b
        }
        guard let url = URL(string: base), url.scheme?.lowercased() == "http", let host = url.host, !Self.isLoopback(host) else { return nil }
        return "warning: plain HTTP to \(host) sends passwords and tokens unencrypted; plain HTTP is for loopback only: use https:// (and --ca-file)"
    }

    /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1.
    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    package func shutdown() async {
        try? await http.shutdown()
    }

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) -> HTTPClientRequest {
        var r = HTTPClientRequest(url: endpoint.url(path))
        r.method = method
        r.headers.add(name: "Accept", value: "application/json")
        switch endpoint {
        case .http(_, let token?): r.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .session(_, let secret): r.headers.add(name: "Authorization", value: "Session \(secret)")
        default: break
        }
        if let team { r.headers.add(name: "X-Coxswain-Team", value: team) }
        if let body {
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        return r
    }

    func send(_ request: HTTPClientRequest, timeout: TimeAmount = .seconds(60)) async throws -> HTTPClientResponse {
        if let setupProblem { throw ClientError.unreachable(setupProblem) }
        do {
            return try await http.execute(request, timeout: timeout)
        } catch let error as NIOSSLError {
            throw ClientError.unreachable(
                "cannot reach the gateway at \(describe(endpoint)): TLS failed (\(error)); if its certificate is self-signed or from your own CA, "
                    + "give that certificate with --ca-file (or COXSWAIN_CA_FILE)")
        } catch {
            throw ClientError.unreachable(GatewayUnreachable.sentence(endpoint, error: error))
        }
    }

    func describe(_ e: GatewayEndpoint) -> String {
        switch e {
        case .socket(let p): "unix socket \(p) (set --socket or COXSWAIN_SOCKET; is the platform running?)"
        case .http(let b, _), .session(let b, _): b
        }
    }

    /// Sends a request and decodes a JSON answer, turning error answers into `ClientError.api`.
    package func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try await call(.GET, path, payload: nil, as: type)
    }

    /// Sends `body` as JSON with `method` (POST, PUT, DELETE) and decodes the JSON answer.
    package func send<B: Encodable, T: Decodable>(_ method: HTTPMethod, _ path: String, body: B?, as type: T.Type) async throws -> T {
        try await call(method, path, payload: try body.map { try WireCoding.encode($0) }, as: type)
    }

    /// GETs a text answer (CSV, JSON lines).
    package func text(_ path: String) async throws -> String {
        let response = try await send(request(.GET, path))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        guard response.status == .ok else {
            let apiError =
                (try? JSONDecoder().decode(APIError.self, from: Data(buffer: bytes)))
                ?? APIError(error: "http_\(response.status.code)", reason: "gateway answered \(response.status)")
            throw ClientError.api(status: Int(response.status.code), apiError)
        }
        return String(buffer: bytes)
    }

    /// Uploads a local file as the content-addressed artifact `digest` unless the team already
    /// has it (streamed from disk, so large files are fine).
    package func uploadArtifact(path: String, digest: String, size: Int64) async throws {
        let existing = try await send(request(.GET, APIRoute.getArtifact.path(digest: digest)))
        _ = try await existing.body.collect(upTo: 1 << 20)
        if existing.status == .ok { return }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ClientError.badResponse("cannot read \(path)") }
        defer { try? handle.close() }
        var req = request(.PUT, APIRoute.uploadArtifact.path(digest: digest))
        req.headers.replaceOrAdd(name: "Content-Type", value: "application/octet-stream")
        // Read on demand, 1 MiB at a time: a large file is never held whole.
        let chunks = AsyncThrowingStream<ByteBuffer, any Error>(unfolding: {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            return ByteBuffer(data: data)
        })
        req.body = .stream(chunks, length: .known(size))
        let response = try await send(req, timeout: .minutes(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            let apiError =
                (try? JSONDecoder().decode(APIError.self, from: Data(buffer: bytes)))
                ?? APIError(error: "http_\(response.status.code)", reason: "gateway answered \(response.status)")
            throw ClientError.api(status: Int(response.status.code), apiError)
        }
    }

    /// GETs raw bytes (a fetched file).
    package func bytes(_ path: String) async throws -> [UInt8] {
        let response = try await send(request(.GET, path), timeout: .minutes(30))
        let body = try await response.body.collect(upTo: 1 << 30)
        guard response.status == .ok else {
            let apiError =
                (try? JSONDecoder().decode(APIError.self, from: Data(buffer: body)))
                ?? APIError(error: "http_\(response.status.code)", reason: "gateway answered \(response.status)")
            throw ClientError.api(status: Int(response.status.code), apiError)
        }
        return Array(body.readableBytesView)
    }

    /// POSTs `body` as JSON and decodes the JSON answer.
    package func post<B: Encodable, T: Decodable>(_ path: String, body: B, as type: T.Type) async throws -> T {
        try await call(.POST, path, payload: try WireCoding.encode(body), as: type)
    }

    func call<T: Decodable>(_ method: HTTPMethod, _ path: String, payload: [UInt8]?, as: T.Type) async throws -> T {
        let response = try await send(request(method, path, body: payload))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let data = Data(buffer: bytes)
        guard (200..<300).contains(Int(response.status.code)) else {
            if let apiError = try? JSONDecoder().decode(APIError.self, from: data) {
                throw ClientError.api(status: Int(response.status.code), apiError)
            }
            throw ClientError.api(
                status: Int(response.status.code), APIError(error: "http_\(response.status.code)", reason: "gateway answered \(response.status)"))
        }
        do {
            return try WireCoding.decoder().decode(T.self, from: data)
        } catch {
            throw ClientError.badResponse("\(error)")
        }
    }

    /// One server-sent event (or a `: waiting…` comment from the Gateway, named `comment`).
    package struct Event: Sendable {
        package var name: String
        package var data: [UInt8]
        package var id: String?
    }

    /// Streams server-sent events from `path` until the server closes the stream.
    package func events(_ path: String, lastEventID: String? = nil, onEvent: (Event) async throws -> Void) async throws {
        var req = request(.GET, path)
        req.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
        if let lastEventID { req.headers.replaceOrAdd(name: "Last-Event-ID", value: lastEventID) }
        let response = try await send(req, timeout: .hours(24 * 7))
        guard response.status == .ok else {
            let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
            let apiError =
                (try? JSONDecoder().decode(APIError.self, from: data))
                ?? APIError(error: "http_\(response.status.code)", reason: "gateway answered \(response.status)")
            throw ClientError.api(status: Int(response.status.code), apiError)
        }
        var pending: [UInt8] = []
        for try await chunk in response.body {
            pending.append(contentsOf: chunk.readableBytesView)
            while let end = Self.eventBoundary(in: pending) {
                let block = Array(pending[..<end])
                pending.removeFirst(end + 2)
                if let event = Self.parse(block) { try await onEvent(event) }
            }
        }
    }

    /// Follows an event stream until its `end` event, through Gateway restarts and dropped
    /// connections: it reconnects (with `Last-Event-ID`, so nothing is shown twice by the same
    /// Gateway), prints one line on standard error when the connection is lost and one when it is
    /// back, and while nothing arrives for `quietPeriod` says what it is waiting for (`waitingFor`,
    /// e.g. the job's pending tasks). An answer 4xx ends it with that error.
    package func follow(
        _ path: String, quietPeriod: Duration = .seconds(30), waitingFor: @escaping @Sendable () async -> String,
        onEvent: (Event) async throws -> Void
    ) async throws {
        let lastActivity = Mutex(ContinuousClock.now)
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                let quiet = ContinuousClock.now - lastActivity.withLock { $0 }
                if quiet >= quietPeriod {
                    Self.note("still waiting: \(await waitingFor())")
                    lastActivity.withLock { $0 = .now }
                }
            }
        }
        defer { watchdog.cancel() }
        var lastEventID: String?
        var lostSince: ContinuousClock.Instant?
        var lastComment = ""
        var backoff = Duration.milliseconds(250)
        while true {
            var ended = false
            do {
                try await events(path, lastEventID: lastEventID) { event in
                    lastActivity.withLock { $0 = .now }
                    if let since = lostSince {
                        Self.note("reconnected to the gateway after \(Self.seconds(ContinuousClock.now - since))")
                        lostSince = nil
                        backoff = .milliseconds(250)
                    }
                    if let id = event.id { lastEventID = id }
                    if event.name == "comment" {
                        let text = String(decoding: event.data, as: UTF8.self)
                        if text != lastComment, text.hasPrefix("waiting") || text.hasPrefix("database") { Self.note(text) }
                        lastComment = text
                        return
                    }
                    if event.name == StreamEventName.end.rawValue { ended = true }
                    try await onEvent(event)
                }
                if ended { return }
                if lostSince == nil {
                    Self.note("the gateway closed the event stream early; reconnecting")
                    lostSince = .now
                }
            } catch let error as ClientError {
                if case .api(let status, _) = error, status < 500 { throw error }
                if lostSince == nil {
                    Self.note("lost the connection to the gateway (\(error)); reconnecting")
                    lostSince = .now
                }
            } catch {
                if lostSince == nil {
                    Self.note("lost the connection to the gateway (\(error)); reconnecting")
                    lostSince = .now
                }
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// GET with retries while the Gateway is unreachable or answers 5xx (for the final read after a
    /// wait, which must survive a Gateway restart too); up to `patience`.
    package func getRetrying<T: Decodable>(_ path: String, as type: T.Type, patience: Duration = .seconds(120)) async throws -> T {
        let deadline = ContinuousClock.now + patience
        var delay = Duration.milliseconds(250)
        while true {
            do {
                return try await get(path, as: type)
            } catch let error as ClientError {
                if case .api(let status, _) = error, status < 500 { throw error }
                if ContinuousClock.now + delay > deadline { throw error }
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// A line for the operator on standard error (never mixed into machine output on stdout).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    static func eventBoundary(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for i in 0..<(bytes.count - 1) where bytes[i] == 10 && bytes[i + 1] == 10 { return i }
        return nil
    }

    static func parse(_ block: [UInt8]) -> Event? {
        var name = "message"
        var data: [UInt8] = []
        var id: String?
        var comment: [UInt8] = []
        for line in block.split(separator: 10, omittingEmptySubsequences: true) {
            if line.starts(with: Array("event: ".utf8)) {
                name = String(decoding: line.dropFirst(7), as: UTF8.self)
            } else if line.starts(with: Array("data: ".utf8)) {
                if !data.isEmpty { data.append(10) }
                data.append(contentsOf: line.dropFirst(6))
            } else if line.starts(with: Array("id: ".utf8)) {
                id = String(decoding: line.dropFirst(4), as: UTF8.self)
            } else if line.starts(with: Array(": ".utf8)) {
                comment = Array(line.dropFirst(2))
            }
        }
        if data.isEmpty, !comment.isEmpty { return Event(name: "comment", data: comment, id: nil) }
        return data.isEmpty ? nil : Event(name: name, data: data, id: id)
    }
}
