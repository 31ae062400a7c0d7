import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The small HTTP listener of `metrics.listen`: ``ObservabilityRoutes`` and nothing else,
/// unauthenticated (bind it to a private address). A `Service`; run it first in the group so it
/// answers (not ready) while the rest starts and stops last.
package struct ObservabilityListener: Service {
    let application: Application<RouterResponder<BasicRequestContext>>

    package init(host: String, port: Int, registry: PrometheusCollectorRegistry, readiness: Readiness, logger: Logger) {
        let router = Router()
        ObservabilityRoutes.add(to: router, registry: registry, readiness: readiness)
        var logger = logger
        logger[metadataKey: "metrics.listen"] = "\(host):\(port)"
        application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "coxswain-metrics"),
            onServerRunning: { [logger] _ in logger.info("health and metrics listening") },
            logger: logger)
    }

    package func run() async throws {
        try await application.run()
    }
}
