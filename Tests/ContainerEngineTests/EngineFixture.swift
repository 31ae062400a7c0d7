import AsyncHTTPClient
import CoxswainContainerEngine
import Foundation
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The real engine and registry started by `scripts/engine.sh` (see its `engine.env`). The
/// integration tests run only when `COXSWAIN_ENGINE_SOCKET` is set.
enum EngineFixture {
    static let environment = ProcessInfo.processInfo.environment
    /// The engine socket, or `nil` when the integration tests are off.
    static let socketPath: String? = environment["COXSWAIN_ENGINE_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    /// `true` when the integration tests run.
    static var enabled: Bool { socketPath != nil }
    /// The local registry (`127.0.0.1:PORT`).
    static let registry = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25500"
    /// Registry credentials.
    static let credentials = RegistryCredentials(
        username: environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain", password: environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "",
        serverAddress: registry)

    /// One HTTP client for every test (never shut down; no read timeout, as the engine client needs).
    static let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(5))))

    static var logger: Logger {
        var logger = Logger(label: "container-engine-tests")
        logger.logLevel = .notice
        return logger
    }

    /// A client of the test engine.
    static func engine(socket: String? = nil) -> ContainerEngine {
        ContainerEngine(socketPath: socket ?? socketPath ?? "/nonexistent", httpClient: httpClient, logger: logger, requestTimeout: .seconds(30))
    }

    /// The demo image in the local registry (`demo/httpd:TAG`).
    static func demoImage(tag: String = "1") throws -> ImageReference {
        try ImageReference(parsing: "\(registry)/demo/httpd:\(tag)")
    }

    /// A fresh RFC 1123 prefix for one test (`t-<what>-<6 hex>`).
    static func uniquePrefix(_ what: String) -> String {
        "t\(what)-\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
    }

    /// The labels of a test container under `prefix`.
    static func labels(prefix: String, deployment: String = "test") -> [String: String] {
        ContainerLabels.managedLabels(team: "tests", prefix: prefix, deployment: deployment, configDigest: "sha256:0")
    }

    /// Runs `body` with a unique prefix; afterwards force-removes every container carrying the
    /// prefix label, also when `body` throws.
    static func withPrefix(_ what: String, _ body: (ContainerEngine, String) async throws -> Void) async throws {
        let engine = engine()
        let prefix = uniquePrefix(what)
        do {
            try await body(engine, prefix)
        } catch {
            _ = try? await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix))
            throw error
        }
        try await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix))
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Bool in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : UInt16.random(in: 40000...49999)
    }

    /// The body of `GET http://127.0.0.1:port/`, retrying for up to `within` while the server starts.
    static func httpGet(port: UInt16, within: Duration = .seconds(5)) async throws -> String {
        let deadline = ContinuousClock.now + within
        while true {
            do {
                let response = try await httpClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"), timeout: .seconds(2))
                let body = try await response.body.collect(upTo: 1 << 20)
                return String(buffer: body)
            } catch {
                if ContinuousClock.now >= deadline { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Milliseconds of a duration, for the printed figures.
    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
