import AsyncHTTPClient
import CoxswainCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// The HTTP methods the Engine API uses.
enum EngineMethod: String, Sendable {
    case get = "GET", post = "POST", delete = "DELETE"
}

/// A complete answer of the engine.
struct EngineResponse: Sendable {
    let status: Int
    let body: ByteBuffer
}

extension ContainerEngine {
    /// Query characters sent unencoded (RFC 3986 unreserved).
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    /// Path characters sent unencoded (image names keep their `/` and `:`).
    private static let pathAllowed = unreserved.union(CharacterSet(charactersIn: "/:@"))

    /// Percent-encodes one path segment (or an image name, keeping its `/`).
    static func pathSegment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? value
    }

    /// The `http+unix://` URL of `path` (below `/v1.41`) with `query`.
    func url(_ path: String, query: [(String, String)], operation: String) throws(ContainerEngineError) -> String {
        var uri = "/v\(Self.apiVersion)\(path)"
        if !query.isEmpty {
            uri +=
                "?"
                + query.map { key, value in
                    "\(key.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? value)"
                }.joined(separator: "&")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw .invalidRequest(operation: operation, reason: "cannot build a URL for socket \(socketPath)")
        }
        return url.absoluteString
    }

    /// Builds the request: JSON body when `body` is given, extra `headers`.
    func request(
        _ method: EngineMethod, _ path: String, query: [(String, String)] = [], body: (any Encodable)? = nil,
        headers: [(String, String)] = [], operation: String
    ) throws(ContainerEngineError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: try url(path, query: query, operation: operation))
        switch method {
        case .get: request.method = .GET
        case .post: request.method = .POST
        case .delete: request.method = .DELETE
        }
        request.headers.add(name: "Host", value: "docker")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            do {
                let data = try JSONEncoder().encode(body)
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: data))
            } catch {
                throw .invalidRequest(operation: operation, reason: "cannot encode the request body (\(error))")
            }
        }
        return request
    }

    /// Sends one request and reads the whole answer, within `timeout` (default ``requestTimeout``).
    func call(
        _ method: EngineMethod, _ path: String, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil,
        headers: [(String, String)] = [], operation: String, timeout: Duration? = nil
    ) async throws -> EngineResponse {
        let limit = timeout ?? requestTimeout
        let request = try request(method, path, query: query, body: body, headers: headers, operation: operation)
        let started = ContinuousClock.now
        let response = try await bounded(operation, limit) {
            let response = try await self.open(request, operation: operation, deadline: limit)
            let body = try await self.transport(operation) { try await response.body.collect(upTo: Self.maximumResponseBytes) }
            return EngineResponse(status: Int(response.status.code), body: body)
        }
        let elapsed = ContinuousClock.now - started
        logger.debug(
            "engine call",
            metadata: [
                EngineLogMetadata.operation: "\(operation)", EngineLogMetadata.status: "\(response.status)",
                EngineLogMetadata.milliseconds: "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        return response
    }

    /// Sends the request and returns once the answer's head arrived (the body still streams).
    /// The deadline covers the head only; callers bound the body themselves.
    func open(_ request: HTTPClientRequest, operation: String, deadline: Duration?) async throws -> HTTPClientResponse {
        // AsyncHTTPClient retries a failed connect until its connect timeout: fail at once when
        // the socket file is missing (the usual case: the engine is not installed or not started).
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw ContainerEngineError.engineUnreachable(socket: socketPath, reason: "no such socket file")
        }
        let nanos = deadline.map(CreateContainerBody.nanoseconds)
        return try await transport(operation) {
            try await self.httpClient.execute(
                request, deadline: nanos.map { .now() + .nanoseconds($0) } ?? .distantFuture, logger: self.logger)
        }
    }

    /// Maps transport failures: a deadline to ``ContainerEngineError/timedOut(operation:after:)``,
    /// cancellation to `CancellationError`, anything else to
    /// ``ContainerEngineError/engineUnreachable(socket:reason:)``.
    func transport<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ContainerEngineError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw ContainerEngineError.timedOut(operation: operation, after: requestTimeout)
        } catch let error as NIOTooManyBytesError {
            throw ContainerEngineError.invalidResponse(operation: operation, reason: "answer larger than \(Self.maximumResponseBytes) bytes (\(error))")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            var reason = "\(error)"
            if !FileManager.default.fileExists(atPath: socketPath) { reason = "no such socket file (\(reason))" }
            throw ContainerEngineError.engineUnreachable(socket: socketPath, reason: reason)
        }
    }

    /// Runs `body`, cancelling it and throwing ``ContainerEngineError/timedOut(operation:after:)``
    /// when `limit` passes first.
    func bounded<T: Sendable>(_ operation: String, _ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withTimeout(limit, operation, body)
        } catch is TimeoutError {
            throw ContainerEngineError.timedOut(operation: operation, after: limit)
        } catch let error as ContainerEngineError {
            if case .timedOut(let what, _) = error { throw ContainerEngineError.timedOut(operation: what, after: limit) }
            throw error
        }
    }

    /// Throws unless the status is one of `accepted`: 404 → ``ContainerEngineError/notFound(kind:name:)``
    /// (when `kind` and `name` are given), 409 → ``ContainerEngineError/conflict(operation:message:)``,
    /// else ``ContainerEngineError/http(status:operation:message:)`` with the engine's message.
    func expect(
        _ response: EngineResponse, _ accepted: Set<Int>, operation: String, notFound: (kind: String, name: String)? = nil
    ) throws(ContainerEngineError) {
        guard !accepted.contains(response.status) else { return }
        throw failure(status: response.status, body: response.body, operation: operation, notFound: notFound)
    }

    /// The typed error for an HTTP error answer.
    func failure(status: Int, body: ByteBuffer, operation: String, notFound: (kind: String, name: String)? = nil) -> ContainerEngineError {
        let message = Self.engineMessage(body)
        if status == 404, let notFound { return .notFound(kind: notFound.kind, name: notFound.name) }
        if status == 409 { return .conflict(operation: operation, message: message) }
        return .http(status: status, operation: operation, message: message)
    }

    /// The `message` of an engine error body (`{"message": …}`), or the start of the raw body.
    static func engineMessage(_ body: ByteBuffer) -> String {
        struct ErrorBody: Decodable { let message: String? }
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body), let message = decoded.message {
            return String(message.prefix(2000))
        }
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : String(text.prefix(2000))
    }

    /// Decodes a JSON answer; a mismatch is ``ContainerEngineError/invalidResponse(operation:reason:)``.
    func decode<T: Decodable>(_ type: T.Type, _ response: EngineResponse, operation: String) throws(ContainerEngineError) -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw .invalidResponse(operation: operation, reason: "\(error)")
        }
    }
}
