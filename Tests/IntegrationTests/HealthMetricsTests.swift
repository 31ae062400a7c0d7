import Foundation
import Testing

/// Health and metrics (issue 14): every service with `metrics.listen` on a loopback port answers
/// `/health/live`, `/health/ready` and `/metrics`, and a job moves the counters of each service.
extension PlatformTests {
    /// The listener ports of this test (the 36200-36299 range is this suite's).
    static let metricsPorts: [String: Int] = ["gateway": 36220, "scheduler": 36221, "audit": 36222, "bootstrapper": 36223, "deployer": 36224]

    /// GET on a service's health and metrics listener: (status, body).
    func metricsGet(_ service: String, _ path: String) async throws -> (Int, String) {
        let port = Self.metricsPorts[service] ?? 0
        let r = try await runCommand("/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// The sum of every sample of `name` (all label sets) in a Prometheus text exposition.
    static func sample(_ text: String, _ name: String) -> Double {
        text.split(separator: "\n").reduce(0) { sum, line in
            guard !line.hasPrefix("#"), line.hasPrefix(name + "{") || line.hasPrefix(name + " "),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { return sum }
            return sum + value
        }
    }

    @Test("health and metrics on every service: live, ready, and counters that a job moves; ready is 503 without the database", .timeLimit(.minutes(4)))
    func healthAndMetrics() async throws {
        let listen = { (service: String) in "metrics.listen=127.0.0.1:\(Self.metricsPorts[service] ?? 0)" }
        try await TestPlatform.with(nodes: [], audit: false, schedulerSettings: [listen("scheduler")], gatewaySettings: [listen("gateway")]) { p in
            try p.launch("audit", "coxswain-audit", ["--metrics-listen", "127.0.0.1:\(Self.metricsPorts["audit"] ?? 0)"])
            try p.startBootstrapper(settings: [listen("bootstrapper")])
            try await p.enrolDeployer("obs-node", extraArguments: ["--metrics-listen", "127.0.0.1:\(Self.metricsPorts["deployer"] ?? 0)"])
            try await p.waitForOnline(["obs-node"])

            for service in Self.metricsPorts.keys.sorted() {
                let live = try await metricsGet(service, "/health/live")
                #expect(live.0 == 200, "\(service) live: \(live)")
                try await eventually("\(service) ready", timeout: .seconds(30)) { try await metricsGet(service, "/health/ready").0 == 200 }
                let metrics = try await metricsGet(service, "/metrics")
                #expect(metrics.0 == 200)
                #expect(metrics.1.contains(#"coxswain_build_info{service="\#(service)""#), "\(service): \(metrics.1.prefix(400))")
            }
            let before = Self.sample(try await metricsGet("gateway", "/metrics").1, "coxswain_jobs_submitted_total")

            let job = try await p.cli(["exec", "--verb", "ECHO", "metrics-marker", "--target", "obs-node", "--wait", "--check"])
            #expect(job.status == 0, "\(job)")

            let gateway = try await metricsGet("gateway", "/metrics").1
            #expect(Self.sample(gateway, "coxswain_jobs_submitted_total") == before + 1)
            #expect(gateway.contains(#"coxswain_http_request_duration_seconds_count{route="submitJob",method="POST",status="202"}"#), "\(gateway)")
            #expect(Self.sample(gateway, "coxswain_amqp_publish_confirm_seconds_count") >= 1)
            // Mounted on the Gateway's own HTTP listener too (public, outside /v1), beside /v1/health and /v1/ready.
            for path in ["/health/live", "/health/ready", "/v1/health", "/v1/ready"] {
                let answer = try await p.http("GET", path)
                #expect(answer.0 == 200, "gateway HTTP \(path): \(answer)")
            }
            // /metrics is not on the public API listener (its figures span every team): only on metrics.listen.
            let viaHTTP = try await p.http("GET", "/metrics")
            #expect(viaHTTP.0 == 404, "\(viaHTTP)")
            #expect(!viaHTTP.1.contains("coxswain_jobs_submitted_total"))
            #expect(Self.sample(try await metricsGet("gateway", "/metrics").1, "coxswain_jobs_submitted_total") >= 1)

            try await eventually("scheduler counters", timeout: .seconds(20)) {
                let s = try await metricsGet("scheduler", "/metrics").1
                return Self.sample(s, "coxswain_tasks_dispatched_total") >= 1 && Self.sample(s, "coxswain_results_ingested_total") >= 1
                    && s.contains(#"coxswain_jobs_finished_total{status="succeeded"}"#) && Self.sample(s, "coxswain_result_batch_size_count") >= 1
                    && Self.sample(s, "coxswain_amqp_queue_lag_seconds_count") >= 1
            }
            let deployer = try await metricsGet("deployer", "/metrics").1
            #expect(deployer.contains(#"coxswain_deployer_task_duration_seconds_count{verb="ECHO",outcome="succeeded"} 1"#), "\(deployer)")
            #expect(deployer.contains("coxswain_deployer_running_processes 0"))
            #expect(!deployer.contains("obs-node"), "node names never become labels")
            try await eventually("audit counter", timeout: .seconds(20)) {
                Self.sample(try await metricsGet("audit", "/metrics").1, "coxswain_audit_events_recorded_total") >= 1
            }

            // The database refuses this platform's connections: ready turns 503 naming the database, and back.
            let admin = p.env.databaseURL.string ?? ""
            let db = "cx_\(p.name)"
            let refuse = try await runCommand(
                "/usr/bin/psql",
                [
                    admin, "-v", "ON_ERROR_STOP=1", "-qc",
                    "ALTER DATABASE \(db) ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(db)'",
                ])
            #expect(refuse.status == 0, "\(refuse)")
            try await eventually("scheduler not ready without the database", timeout: .seconds(30)) {
                let r = try await metricsGet("scheduler", "/health/ready")
                return r.0 == 503 && r.1.contains(#""database""#)
            }
            let nodeReady = try await metricsGet("deployer", "/health/ready")
            #expect(nodeReady.0 == 200, "a node has no database: \(nodeReady)")
            _ = try await runCommand("/usr/bin/psql", [admin, "-qc", "ALTER DATABASE \(db) ALLOW_CONNECTIONS true"])
            try await eventually("scheduler ready again", timeout: .seconds(30)) { try await metricsGet("scheduler", "/health/ready").0 == 200 }
        }
    }
}
