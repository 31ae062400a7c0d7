import AsyncHTTPClient
import Foundation
import Logging

/// A Docker Engine API (v1.41) client over the engine's UNIX socket: Podman's
/// `podman system service` or dockerd. It never shells out to a CLI.
///
/// Every call is bounded: ordinary calls by ``requestTimeout``, long ones (pull, push, wait,
/// exec) by their own `timeout` argument; only the follow streams (``followLogs(_:options:)``)
/// run until the caller stops iterating. Errors are ``ContainerEngineError``s (or
/// `CancellationError`); none contains a registry password.
///
/// The `HTTPClient` belongs to the caller (shut it down there). It must have **no read
/// timeout**: a follow stream or a `wait` is legitimately idle for long stretches, and this
/// client bounds each call itself.
package struct ContainerEngine: Sendable {
    /// The API version every path is prefixed with (Podman 4 and dockerd 20.10 serve 1.41).
    package static let apiVersion = "1.41"
    /// The default sockets ``locate(configured:fileExists:)`` tries, in order.
    package static let defaultSockets = ["/run/podman/podman.sock", "/var/run/docker.sock"]
    /// Largest non-streamed answer read (a list of many containers).
    static let maximumResponseBytes = 32 << 20
    /// Largest stdout or stderr an exec returns; the rest is dropped.
    package static let maximumExecOutputBytes = 1 << 20

    /// Path of the engine's UNIX socket.
    package let socketPath: String
    /// Time limit of ordinary calls.
    package let requestTimeout: Duration
    let httpClient: HTTPClient
    let logger: Logger

    /// A client for the engine listening on `socketPath`; nothing is sent until the first call.
    package init(socketPath: String, httpClient: HTTPClient, logger: Logger, requestTimeout: Duration = .seconds(30)) {
        self.socketPath = socketPath
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: EngineLogMetadata.socket] = "\(socketPath)"
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// The socket to use: `configured` if given (a path or a `unix://` URL, used even when the
    /// file is missing, so that the error names it), else the first of ``defaultSockets`` that
    /// exists; throws ``ContainerEngineError/noEngineFound(tried:)`` when none does.
    package static func locate(
        configured: String?, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws(ContainerEngineError) -> String {
        if let configured = configured?.trimmingCharacters(in: .whitespaces), !configured.isEmpty {
            return configured.hasPrefix("unix://") ? String(configured.dropFirst("unix://".count)) : configured
        }
        if let found = defaultSockets.first(where: fileExists) { return found }
        throw .noEngineFound(tried: defaultSockets)
    }

    /// Asks the engine what it is (`GET /version`). Throws ``ContainerEngineError/engineUnreachable(socket:reason:)``
    /// naming the socket when nothing answers there.
    package func probe() async throws -> EngineInfo {
        let response = try await call(.get, "/version", operation: "GET /version")
        try expect(response, [200], operation: "GET /version")
        return try decode(VersionResponse.self, response, operation: "GET /version").info
    }

    /// `true` if the engine answers `GET /_ping` with `OK`.
    package func ping() async throws -> Bool {
        let response = try await call(.get, "/_ping", operation: "GET /_ping")
        return response.status == 200 && String(buffer: response.body).hasPrefix("OK")
    }
}
