import AsyncHTTPClient
import CoxswainObservability
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// The process-wide metrics bootstrap of this test binary (swift-metrics allows one per process).
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = MetricsBootstrap.bootstrap(service: "tests", version: "0.0.0")
}

/// Runs `service` in a service group while `body` runs, then shuts it down.
func whileRunning(_ service: some Service, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
    let task = Task { try await group.run() }
    do {
        try await body()
    } catch {
        await group.triggerGracefulShutdown()
        _ = await task.result
        throw error
    }
    await group.triggerGracefulShutdown()
    try await task.value
}

/// GET `url` until it answers (the listener may still be binding): (status, body).
func get(_ url: String, attempts: Int = 100) async throws -> (Int, String) {
    var lastError: (any Error)?
    for _ in 0..<attempts {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), String(buffer: body))
        } catch {
            lastError = error
            try await Task.sleep(for: .milliseconds(50))
        }
    }
    throw lastError ?? CancellationError()
}

@Suite("Health and metrics listener", .serialized)
struct ObservabilityListenerTests {
    @Test("live answers 200, ready follows its checks (503 with the reason), metrics shows the registry")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.factory(registry: registry)
        Counter(label: "coxswain_test_things_total", dimensions: [("kind", "a")], factory: factory).increment(by: 3)
        let brokerUp = Atomic<Bool>(false)
        let readiness = Readiness([ReadinessCheck("broker") { brokerUp.load(ordering: .relaxed) ? nil : "not connected: consumer" }, .migrations { true }])
        let port = 36210
        let listener = Observability(registry: registry).listener(host: "127.0.0.1", port: port, readiness: readiness, logger: Logger(label: "test"))
        try await whileRunning(try #require(listener)) {
            let base = "http://127.0.0.1:\(port)"
            let live = try await get(base + "/health/live")
            #expect(live.0 == 200)
            let notReady = try await get(base + "/health/ready")
            #expect(notReady.0 == 503)
            #expect(notReady.1.contains(#""broker":"not connected: consumer""#))
            brokerUp.store(true, ordering: .relaxed)
            let ready = try await get(base + "/health/ready")
            #expect(ready.0 == 200)
            #expect(ready.1 == #"{"status":"ready"}"#)
            let metrics = try await get(base + "/metrics")
            #expect(metrics.0 == 200)
            #expect(metrics.1.contains(#"coxswain_test_things_total{kind="a"} 3"#))
            let missing = try await get(base + "/v1/health")
            #expect(missing.0 == 404)
        }
    }

    @Test("no listener without an address")
    func offWithoutAddress() {
        #expect(Observability().listener(host: nil, port: nil, readiness: Readiness([]), logger: Logger(label: "test")) == nil)
    }

    @Test("request durations are labelled by route name and status, never by the raw path")
    func httpMetricsByRoute() async throws {
        let registry = TestMetrics.registry
        let router = Router()
        router.get("/v1/jobs/{id}") { _, _ in "job" }
        router.get("/v1/boom") { _, _ -> String in throw HTTPError(.conflict) }
        let responder = HTTPMetricsResponder(next: router.buildResponder()) { method, template in
            template == "/v1/jobs/{id}" && method == "GET" ? "getJob" : nil
        }
        let port = 36211
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "test"))
        try await whileRunning(app) {
            let job = try await get("http://127.0.0.1:\(port)/v1/jobs/0f3c9e1a-secret-id")
            let boom = try await get("http://127.0.0.1:\(port)/v1/boom")
            let nowhere = try await get("http://127.0.0.1:\(port)/nowhere/12345")
            #expect(job.0 == 200)
            #expect(boom.0 == 409)
            #expect(nowhere.0 == 404)
        }
        let text = registry.emitToString()
        #expect(text.contains(#"coxswain_http_request_duration_seconds_count{route="getJob",method="GET",status="200"} 1"#))
        #expect(text.contains(#"route="/v1/boom",method="GET",status="409""#))
        #expect(text.contains(#"route="unmatched",method="GET",status="404""#))
        #expect(!text.contains("0f3c9e1a"))
        #expect(!text.contains("12345"))
        #expect(text.contains(#"coxswain_build_info{service="tests",version="0.0.0"} 1"#))
    }
}
