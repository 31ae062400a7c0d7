import Hummingbird
import Logging
import Prometheus

/// What a service's `build` gets from `main` for observability: the Prometheus registry behind
/// the process's `MetricsSystem` (see ``MetricsBootstrap``). Tests that build a service in-process
/// pass a fresh one (metrics then go to the no-op system, and `/metrics` shows only what was
/// registered on that registry).
package struct Observability: Sendable {
    package let registry: PrometheusCollectorRegistry

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// For `main` only: bootstraps the metrics system once for this process.
    package static func bootstrap(service: String, version: String) -> Observability {
        Observability(registry: MetricsBootstrap.bootstrap(service: service, version: version))
    }

    /// The health and metrics listener on `host:port`, or nil when no address is configured.
    package func listener(host: String?, port: Int?, readiness: Readiness, logger: Logger) -> ObservabilityListener? {
        guard let host, let port else { return nil }
        return ObservabilityListener(host: host, port: port, registry: registry, readiness: readiness, logger: logger)
    }

    /// Adds `/health/live` and `/health/ready` to an existing, public router (the Gateway's API).
    /// `/metrics` stays on the `metrics.listen` listener: its figures span every team, and the API's
    /// port answers anyone who can reach it.
    package func addHealthRoutes<Context: RequestContext>(to router: Router<Context>, readiness: Readiness) {
        ObservabilityRoutes.add(to: router, registry: registry, readiness: readiness, metrics: false)
    }
}
