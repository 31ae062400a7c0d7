import AsyncHTTPClient
import NIOCore

extension ContainerEngine {
    /// The container's log output so far (`GET /containers/{id}/logs`), decoded from the
    /// multiplexed framing (or raw for a TTY container, all as stdout).
    package func logs(_ id: String, options: ContainerLogOptions = ContainerLogOptions()) async throws -> [ContainerLogChunk] {
        let tty = try await inspectContainer(id).config.tty
        let operation = "GET /containers/\(id)/logs"
        let response = try await call(.get, "/containers/\(Self.pathSegment(id))/logs", query: options.query(follow: false), operation: operation)
        try expect(response, [200], operation: operation, notFound: ("container", id))
        var decoder = LogFrameDecoder(raw: tty)
        return try decoder.push(response.body.readableBytesView) + decoder.finish()
    }

    /// Follows the container's log output (`GET /containers/{id}/logs?follow=1`): what was
    /// written so far (per `options.tail`/`since`), then each new chunk as it is written, until
    /// the container stops or the caller stops iterating (which closes the connection). No time
    /// limit applies once the answer started.
    package func followLogs(_ id: String, options: ContainerLogOptions = ContainerLogOptions()) -> AsyncThrowingStream<ContainerLogChunk, any Error> {
        let operation = "GET /containers/\(id)/logs?follow=1"
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let tty = try await inspectContainer(id).config.tty
                    let request = try request(.get, "/containers/\(Self.pathSegment(id))/logs", query: options.query(follow: true), operation: operation)
                    let response = try await open(request, operation: operation, deadline: requestTimeout)
                    guard response.status.code == 200 else {
                        throw try await errorAnswer(response, operation: operation, notFound: ("container", id))
                    }
                    var decoder = LogFrameDecoder(raw: tty)
                    try await transport(operation) {
                        for try await buffer in response.body {
                            for chunk in try decoder.push(buffer.readableBytesView) { continuation.yield(chunk) }
                        }
                    }
                    for chunk in try decoder.finish() { continuation.yield(chunk) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Reads a (small) error answer within the request timeout and returns its typed error.
    func errorAnswer(_ response: HTTPClientResponse, operation: String, notFound: (kind: String, name: String)? = nil) async throws -> ContainerEngineError {
        let status = Int(response.status.code)
        let body = try await bounded(operation, requestTimeout) {
            try await self.transport(operation) { try await response.body.collect(upTo: 1 << 20) }
        }
        return failure(status: status, body: body, operation: operation, notFound: notFound)
    }
}
