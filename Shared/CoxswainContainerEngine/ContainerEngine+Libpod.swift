import AsyncHTTPClient
import Foundation
import NIOCore

/// Podman's own REST API (`/v4.0.0/libpod/…`), served on the same socket as the Docker-compatible
/// one: pods, `play kube`, and pulls and pushes that choose TLS per call. dockerd does not have
/// it: ``requireLibpod(for:)`` says so before anything is sent.
extension ContainerEngine {
    /// The libpod API version libpod paths are prefixed with (Podman 4 and 5 serve it).
    package static let libpodAPIVersion = "4.0.0"

    /// Query characters sent unencoded (RFC 3986 unreserved).
    private static let libpodUnreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// Asks the engine what it is and throws ``ContainerEngineError/libpodUnavailable(socket:engine:feature:)``
    /// unless it is Podman; `feature` names what needs it in that error ("pods").
    @discardableResult
    package func requireLibpod(for feature: String) async throws -> EngineInfo {
        let info = try await probe()
        guard info.kind == .podman else {
            throw ContainerEngineError.libpodUnavailable(socket: socketPath, engine: "\(info.kind.rawValue) \(info.version)", feature: feature)
        }
        return info
    }

    /// The `http+unix://` URL of the libpod `path` (below `/v4.0.0/libpod`) with `query`.
    func libpodURL(_ path: String, query: [(String, String)], operation: String) throws(ContainerEngineError) -> String {
        var uri = "/v\(Self.libpodAPIVersion)/libpod\(path)"
        if !query.isEmpty {
            func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: Self.libpodUnreserved) ?? text }
            uri += "?" + query.map { "\(encoded($0.0))=\(encoded($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw .invalidRequest(operation: operation, reason: "cannot build a URL for socket \(socketPath)")
        }
        return url.absoluteString
    }

    /// A libpod request: `body` sent as is with `contentType`, extra `headers`.
    func libpodRequest(
        _ method: EngineMethod, _ path: String, query: [(String, String)] = [], body: ByteBuffer? = nil, contentType: String = "application/json",
        headers: [(String, String)] = [], operation: String
    ) throws(ContainerEngineError) -> HTTPClientRequest {
        var request = try request(method, path, query: query, headers: headers, operation: operation)
        request.url = try libpodURL(path, query: query, operation: operation)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(body)
        }
        return request
    }

    /// Sends one libpod request and reads the whole answer, within `timeout` (default ``requestTimeout``).
    func libpodCall(
        _ method: EngineMethod, _ path: String, query: [(String, String)] = [], body: ByteBuffer? = nil, contentType: String = "application/json",
        headers: [(String, String)] = [], operation: String, timeout: Duration? = nil
    ) async throws -> EngineResponse {
        let limit = timeout ?? requestTimeout
        let request = try libpodRequest(method, path, query: query, body: body, contentType: contentType, headers: headers, operation: operation)
        return try await bounded(operation, limit) {
            let response = try await self.open(request, operation: operation, deadline: limit)
            let body = try await self.transport(operation) { try await response.body.collect(upTo: Self.maximumResponseBytes) }
            return EngineResponse(status: Int(response.status.code), body: body)
        }
    }

    /// A JSON-lines answer of a built request (libpod's pull and push stream `{"stream": …}` lines
    /// and end with `{"error": …}` on failure) as a stream, bounded by `timeout` as a whole; an
    /// HTTP error or an error line becomes `classify(message, status)`.
    func progressStream(
        request: HTTPClientRequest, operation: String, timeout: Duration, classify: @escaping @Sendable (String, Int?) -> ContainerEngineError
    ) -> AsyncThrowingStream<PullProgress, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await bounded(operation, timeout) {
                        let response = try await self.open(request, operation: operation, deadline: timeout)
                        guard response.status.code == 200 else {
                            let status = Int(response.status.code)
                            let body = try await self.transport(operation) { try await response.body.collect(upTo: 1 << 20) }
                            throw classify(Self.engineMessage(body), status)
                        }
                        var decoder = JSONLineDecoder<PullProgress>(operation: operation)
                        try await self.transport(operation) {
                            for try await buffer in response.body {
                                for line in try decoder.push(buffer.readableBytesView) {
                                    if let message = line.errorMessage { throw classify(message, nil) }
                                    continuation.yield(line)
                                }
                            }
                        }
                        for line in try decoder.finish() {
                            if let message = line.errorMessage { throw classify(message, nil) }
                            continuation.yield(line)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
