import Foundation
import Testing

/// Webhooks cannot be aimed at the platform's own services: with
/// `notifications.allow_private_targets` off (the default; the test platform turns it on for its
/// loopback receivers, so these tests turn it off again with `--set`), the Gateway refuses such
/// subscriptions and the Audit service refuses to send to them.
@Suite("Webhook targets (SSRF)", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct WebhookSSRFTests {
    static let strict = ["--set", "notifications.allow_private_targets=false"]

    /// `POST /v1/notifications` through the Gateway's socket: (HTTP status, decoded JSON body).
    func addNotification(_ p: TestPlatform, url: String) async throws -> (Int, [String: Any]) {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["url": url, "events": ["notification.test"]]), as: UTF8.self)
        return try await socketCall(p, "POST", "/v1/notifications", body: body)
    }

    func socketCall(_ p: TestPlatform, _ method: String, _ path: String, body: String) async throws -> (Int, [String: Any]) {
        let file = p.directory + "/req-\(UUID().uuidString).json"
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try await runCommand(
            "/usr/bin/curl",
            [
                "-s", "-w", "\n%{http_code}", "--unix-socket", p.socketPath, "-X", method, "-H", "content-type: application/json",
                "--data-binary", "@" + file, "http://localhost" + path,
            ])
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let object = (try? JSONSerialization.jsonObject(with: Data(lines.joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        return (status, object)
    }

    @Test("the Gateway refuses loopback, localhost, link-local and out-of-range-port webhooks; the Audit service never sends to one", .timeLimit(.minutes(3)))
    func privateTargetsRefused() async throws {
        try await TestPlatform.with(nodes: [], audit: false) { p in
            // A subscription to the Gateway's own API, added while the Gateway still allows it
            // (as one added before this setting existed would be).
            let internalURL = "http://127.0.0.1:\(p.httpPort)/v1/ready"
            let (created, added) = try await addNotification(p, url: internalURL)
            #expect(created == 201, "\(added)")
            let id = try #require(added["id"] as? String)

            // The Audit service with the key off: the test event is refused before any connection.
            try p.launch("audit", "coxswain-audit", Self.strict)
            let (accepted, queued) = try await socketCall(p, "POST", "/v1/notifications/\(id)/test", body: "{}")
            #expect(accepted == 202, "\(queued)")
            try await eventually("the test delivery failed for good", timeout: .seconds(30)) {
                try await p.sql("SELECT status FROM notification_deliveries WHERE subscription_id = '\(id)'") == "failed"
            }
            let row = try await p.sql(
                "SELECT attempts, coalesce(last_status::text, '-'), last_error FROM notification_deliveries WHERE subscription_id = '\(id)'")
            #expect(row.hasPrefix("1|-|refused: the host is or resolves to a loopback address"), "\(row)")
            #expect(row.contains("notifications.allow_private_targets"), "\(row)")

            // The Gateway with the key off.
            await p.stop("gateway")
            try p.launch("gateway", "coxswain-gateway", ["--socket-path", p.socketPath, "--http-port", String(p.httpPort)] + Self.strict)
            try await p.waitForReady()
            for url in [
                internalURL, "http://localhost:\(p.httpPort)/v1/ready", "http://[::1]:\(p.httpPort)/", "http://[::ffff:127.0.0.1]:\(p.httpPort)/",
                "http://127.1:\(p.httpPort)/", "http://0.0.0.0:\(p.httpPort)/", "http://169.254.169.254/latest/meta-data/", "https://10.1.2.3/hook",
            ] {
                let (status, answer) = try await addNotification(p, url: url)
                #expect(status == 400, "\(url): \(answer)")
                #expect(answer["error"] as? String == "invalid_url", "\(url): \(answer)")
                let reason = answer["reason"] as? String ?? ""
                #expect(reason.hasPrefix("url: the host is or resolves to a"), "\(url): \(reason)")
            }
            for url in ["http://127.0.0.1:65536/x", "https://192.0.2.10:70000/x", "https://192.0.2.10:0/x"] {
                let (status, answer) = try await addNotification(p, url: url)
                #expect(status == 400, "\(url): \(answer)")
                #expect(answer["reason"] as? String == "url: the port must be between 1 and 65535", "\(url): \(answer)")
            }
            let (publicStatus, publicAnswer) = try await addNotification(p, url: "https://192.0.2.10:8443/hook")
            #expect(publicStatus == 201, "a public address is accepted: \(publicAnswer)")
            #expect(try await p.sql("SELECT count(*) FROM notification_subscriptions") == "2")
        }
    }
}
