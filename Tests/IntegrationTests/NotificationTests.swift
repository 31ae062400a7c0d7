import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Webhooks end to end: a real HTTP receiver on loopback (Python's http.server, started by the
/// test) answers 500 first, then 200; the Audit service retries with back-off.
extension PlatformTests {
    @Test("webhooks: job failures and test events are delivered, retried after a 5xx, and the URL secret stays out of logs", .timeLimit(.minutes(3)))
    func webhooksDelivered() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let port = TestPlatform.freePort()
            let received = p.directory + "/webhooks.jsonl"
            let script = """
                import http.server, json, sys
                count = {"n": 0}
                class H(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers.get("content-length", 0)))
                        count["n"] += 1
                        if count["n"] == 1:
                            self.send_response(500); self.end_headers(); return
                        with open(sys.argv[2], "a") as f:
                            f.write(json.dumps({"path": self.path, "event": self.headers.get("X-Coxswain-Event"), "body": json.loads(body)}) + "\\n")
                        self.send_response(200); self.end_headers()
                    def log_message(self, *a): pass
                http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
                """
            try script.write(toFile: p.directory + "/receiver.py", atomically: true, encoding: .utf8)
            let receiver = try ServiceProcess(
                executable: "/usr/bin/env", arguments: ["python3", p.directory + "/receiver.py", String(port), received],
                environment: ProcessInfo.processInfo.environment, logPath: p.directory + "/receiver.log"
            )
            defer { kill(receiver.pid, SIGKILL) }
            try await eventually("receiver listening") {
                (try await runCommand("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"])).status == 0
            }

            let secretPath = "hooks/T000/B000/sekrit-\(UUID().uuidString.prefix(8))"
            let add = try await p.cli([
                "notification", "add", "http://127.0.0.1:\(port)/\(secretPath)", "--event", "job.failed", "--event", "node.*", "-o", "json",
            ])
            #expect(add.status == 0, "\(add)")
            #expect(!add.stdout.contains("sekrit"))
            let id = (try JSONSerialization.jsonObject(with: Data(add.stdout.utf8)) as? [String: Any])?["id"] as? String ?? ""

            #expect(try await p.cli(["exec", "--verb", "RUN", "exit 4", "--wait"]).status == 0)
            #expect(try await p.cli(["exec", "--verb", "ECHO", "fine", "--wait"]).status == 0)
            #expect(try await p.cli(["notification", "test", id]).status == 0)
            func lines() -> [[String: Any]] {
                ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
            }
            try await eventually("job.failed and the test event delivered (after one retry)", timeout: .seconds(30)) {
                let events = lines().compactMap { $0["event"] as? String }
                return events.contains("job.failed") && events.contains("notification.test")
            }
            let events = lines().compactMap { $0["event"] as? String }
            #expect(!events.contains("job.succeeded"), "an unsubscribed event was delivered: \(events)")
            #expect(lines().allSatisfy { ($0["path"] as? String) == "/\(secretPath)" })
            let failed = lines().first { $0["event"] as? String == "job.failed" }?["body"] as? [String: Any]
            #expect((failed?["summary"] as? String)?.contains("job.failed") == true)
            #expect(try await p.sql("SELECT max(attempts) FROM notification_deliveries") == "2", "the first 500 was retried")
            let list = try await p.cli(["notification", "list"])
            #expect(list.stdout.contains("127.0.0.1") && !list.stdout.contains("sekrit"), "\(list)")
            for key in ["gateway", "audit", "scheduler-0"] { #expect(!p.log(key, lines: 100_000).contains("sekrit"), "webhook secret in the \(key) log") }
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE payload_raw LIKE '%sekrit%'") == "0")
            #expect(try await p.sql("SELECT count(*) FROM notification_subscriptions WHERE url_display LIKE '%sekrit%' OR url IS NOT NULL") == "0")
        }
    }
}
