import CoreMetrics
import Metrics
import Prometheus

/// The process's one metrics bootstrap (swift-metrics requires exactly one per process): a
/// Prometheus registry behind `MetricsSystem`. Called from `main` only; the registry it returns is
/// passed down to the listener that serves `/metrics`.
package enum MetricsBootstrap {
    /// Bootstraps `MetricsSystem` with a fresh Prometheus registry and records `coxswain_build_info`.
    package static func bootstrap(service: String, version: String) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(factory(registry: registry))
        Gauge(label: MetricName.buildInfo, dimensions: [("service", service), ("version", version)]).record(1)
        return registry
    }

    /// The factory with Coxswain's buckets (batch sizes in messages, latencies from 1 ms).
    package static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[MetricName.resultBatchSize] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000]
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60), .seconds(300),
        ]
        return factory
    }
}
