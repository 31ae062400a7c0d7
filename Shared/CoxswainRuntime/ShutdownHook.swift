import ServiceLifecycle

/// Runs `hook` when the service group shuts down: closes what has no `Service` of its own (an
/// HTTP client, the broker management client, the webhook sender).
package struct ShutdownHook: Service {
    let hook: @Sendable () async -> Void

    package init(_ hook: @escaping @Sendable () async -> Void) {
        self.hook = hook
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await hook()
    }
}
