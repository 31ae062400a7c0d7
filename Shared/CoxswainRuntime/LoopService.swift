import ServiceLifecycle

/// Runs a long-lived async body as a `Service` that is cancelled on graceful shutdown.
package struct LoopService: Service {
    package let name: String
    package let body: @Sendable () async throws -> Void

    package init(_ name: String, body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await body()
        }
    }
}
