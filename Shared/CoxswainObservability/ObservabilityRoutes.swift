import Hummingbird
import Prometheus

/// `GET /health/live`, `GET /health/ready` and `GET /metrics`, on any Hummingbird router: the
/// small listener of every service (``ObservabilityListener``) and the Gateway's own HTTP listener.
package enum ObservabilityRoutes {
    /// The paths served, for documentation and tests.
    package static let livePath = "/health/live"
    package static let readyPath = "/health/ready"
    package static let metricsPath = "/metrics"

    /// Adds the health routes to `router`, and `/metrics` when `metrics` is true (not on a public
    /// listener: the figures span every team).
    package static func add<Context: RequestContext>(
        to router: Router<Context>, registry: PrometheusCollectorRegistry, readiness: Readiness, metrics: Bool = true
    ) {
        router.get(RouterPath(livePath)) { _, _ in
            json(.ok, #"{"status":"live"}"#)
        }
        router.get(RouterPath(readyPath)) { _, _ in
            let report = await readiness.evaluate()
            return json(report.isReady ? .ok : .serviceUnavailable, report.json)
        }
        guard metrics else { return }
        router.get(RouterPath(metricsPath)) { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
