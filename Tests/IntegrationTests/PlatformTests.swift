import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end tests: real Gateway, Scheduler(s), Audit and Deployer processes, the real CLI, a real
/// RabbitMQ and PostgreSQL (started by scripts/test.sh). Serialized: some tests restart the broker.
@Suite("Platform, end to end", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct PlatformTests {
    func decodeJSON(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw HarnessError("not a JSON object: \(text)") }
        return object
    }

    func tasks(_ detail: [String: Any]) -> [[String: Any]] { detail["tasks"] as? [[String: Any]] ?? [] }
    func job(_ detail: [String: Any]) -> [String: Any] { detail["job"] as? [String: Any] ?? [:] }

    @Test("one exec reaches every node; results, queues and audit rows are real", .timeLimit(.minutes(3)))
    func execReachesEveryNode() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b", "node-c"]) { platform in

            let r = try await platform.cli(["exec", "--verb", "RUN", "echo $((6*7)) from $TEST_NODE", "--wait", "--output", "json"])
            #expect(r.status == 0, "\(r)")
            let detail = try decodeJSON(r.stdout)
            #expect(job(detail)["status"] as? String == "succeeded")
            let byNode = Dictionary(tasks(detail).map { ($0["node"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(Set(byNode.keys) == ["node-a", "node-b", "node-c"])
            for (node, task) in byNode {
                #expect(task["status"] as? String == "succeeded")
                #expect(task["stdout"] as? String == "42 from \(node)\n")
                #expect(task["exitCode"] as? Int == 0)
            }

            // Postgres holds the rows.
            #expect(try await platform.sql("SELECT count(*) FROM tasks WHERE status = 'succeeded'") == "3")
            // The broker has durable node queues with a consumer each.
            try await eventually("durable node queues with one consumer each (management stats lag a few seconds)") {
                let queues =
                    try JSONSerialization.jsonObject(with: Data(try await platform.management("GET", "/api/queues/\(platform.vhost)").utf8)) as? [[String: Any]]
                    ?? []
                return ["node-a", "node-b", "node-c"].allSatisfy { node in
                    let q = queues.first { $0["name"] as? String == "coxswain.node.\(node)" }
                    return q?["durable"] as? Bool == true && q?["consumers"] as? Int == 1
                }
            }
            // Audit appended the job's events (accepted, dispatched, 3 task_finished, completed) after commit.
            try await eventually("audit rows for the job") {
                Int(try await platform.sql("SELECT count(*) FROM audit_events WHERE routing_key LIKE 'job.%'")) ?? 0 >= 6
            }
            #expect(try await platform.sql("SELECT count(*) FROM audit_events WHERE routing_key = 'job.completed'") == "1")

            // The human forms work too.
            let table = try await platform.cli(["exec", "--verb", "ECHO", "hello", "--wait"])
            #expect(table.status == 0, "\(table)")
            #expect(table.stdout.contains("succeeded"))
            #expect(table.stdout.contains("node-b"))
            let info = try await platform.cli(["manage", "--job-info", "last"])
            #expect(info.status == 0 && info.stdout.contains("ECHO hello") && info.stdout.contains("[node-c] succeeded"), "\(info)")
            let list = try await platform.cli(["manage", "--list-jobs"])
            #expect(list.stdout.split(separator: "\n").count == 3, "\(list)")
            let nodes = try await platform.cli(["manage", "--list-nodes"])
            #expect(nodes.stdout.contains("node-a") && nodes.stdout.contains("online") && nodes.stdout.contains("0.1.0"), "\(nodes)")
        }
    }

    @Test("--stream prints live output prefixed by node; --check fails when a node fails", .timeLimit(.minutes(3)))
    func streamAndCheck() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"]) { platform in

            let stream = try await platform.cli(["exec", "--verb", "RUN", "echo hi; echo oops >&2", "--target", "node-a", "--stream"])
            #expect(stream.status == 0, "\(stream)")
            #expect(stream.stdout.contains("node-a | hi"), "\(stream)")
            #expect(stream.stdout.contains("node-a | ! oops"), "\(stream)")
            #expect(!stream.stdout.contains("node-b |"))

            let check = try await platform.cli(["exec", "--verb", "RUN", "test $TEST_NODE = node-a", "--poll", "--check"])
            #expect(check.status == 1, "\(check)")
            #expect(check.stdout.contains("node-b: failed (exit 1)"), "\(check)")

            let ok = try await platform.cli(["exec", "--verb", "ECHO", "fine", "--poll", "--check"])
            #expect(ok.status == 0, "\(ok)")
        }
    }

    @Test("a timeout kills the whole process group on the node", .timeLimit(.minutes(3)))
    func timeoutKillsProcessGroup() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { platform in
            let started = ContinuousClock.now
            let r = try await platform.cli([
                "exec", "--verb", "RUN", "(sleep 30; echo survived >> $TEST_MARK_DIR/late) & sleep 30", "--timeout", "1", "--wait", "--output", "json",
            ])
            let elapsed = ContinuousClock.now - started
            let task = tasks(try decodeJSON(r.stdout)).first ?? [:]
            #expect(task["status"] as? String == "timed_out", "\(r)")
            #expect(elapsed < .seconds(15))
            // The background child was in the same group and died with it.
            try await Task.sleep(for: .seconds(1))
            let survivors = try await runCommand("/usr/bin/pgrep", ["-f", "sleep 30; echo survived"])
            #expect(survivors.stdout.isEmpty, "\(survivors)")
        }
    }

    @Test("bad input: clear messages, non-zero exit, nothing submitted", .timeLimit(.minutes(3)))
    func badInput() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { platform in

            let unknownVerb = try await platform.cli(["exec", "--verb", "FROB", "x"])
            #expect(unknownVerb.status != 0 && unknownVerb.stderr.contains("unknown verb 'FROB'"), "\(unknownVerb)")
            let unknownTarget = try await platform.cli(["exec", "--verb", "RUN", "true", "--target", "ghost", "--wait"])
            #expect(unknownTarget.status == 2 && unknownTarget.stderr.contains("unknown target: ghost"), "\(unknownTarget)")
            let badFlag = try await platform.cli(["exec", "--verb", "RUN", "true", "--wiat"])
            #expect(badFlag.status == 64, "\(badFlag)")
            let twoModes = try await platform.cli(["exec", "--verb", "RUN", "true", "--wait", "--stream"])
            #expect(twoModes.status == 64 && twoModes.stderr.contains("only one of"), "\(twoModes)")

            // The API itself refuses bad payloads with 4xx and a reason.
            func post(_ body: String) async throws -> (Int, String) {
                let file = platform.directory + "/body-\(UUID().uuidString).json"
                try body.write(toFile: file, atomically: true, encoding: .utf8)
                let r = try await runCommand(
                    "/usr/bin/curl",
                    [
                        "-s", "-w", "\n%{http_code}", "--unix-socket", platform.socketPath, "-H", "content-type: application/json",
                        "--data-binary", "@" + file, "http://localhost/v1/jobs",
                    ])
                let lines = r.stdout.split(separator: "\n")
                return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
            }
            let (s1, b1) = try await post("{not json")
            #expect(s1 == 400 && b1.contains("invalid_json"))
            let (s2, b2) = try await post(#"{"verb":"RUN"}"#)
            #expect(s2 == 400 && b2.contains("missing field 'arguments'"), "\(b2)")
            let (s3, b3) = try await post(#"{"verb":"RUN","arguments":"true","timeoutSeconds":-1}"#)
            #expect(s3 == 400 && b3.contains("invalid_timeout"))
            let (s4, b4) = try await post(#"{"verb":"RUN","arguments":"true","targets":["BAD NAME"]}"#)
            #expect(s4 == 400 && b4.contains("invalid node name"))
            let big = String(repeating: "x", count: 300 * 1024)
            let (s5, b5) = try await post(#"{"verb":"ECHO","arguments":"\#(big)"}"#)
            #expect(s5 == 413 && b5.contains("payload_too_large"), "\(s5)")

            #expect(try await platform.sql("SELECT count(*) FROM jobs") == "0")
        }
    }

    @Test("two Schedulers share the work without double dispatch; kill -9 of one mid-run loses nothing", .timeLimit(.minutes(4)))
    func twoSchedulersAndACrash() async throws {
        let nodes = ["node-a", "node-b", "node-c"]
        try await TestPlatform.with(schedulers: 2, nodes: nodes, audit: false) { platform in

            var ids: [String] = []
            for i in 0..<30 {
                if i == 10 { await platform.stop("scheduler-0", signal: SIGKILL) }
                let r = try await platform.cli(["exec", "--verb", "RUN", "sleep 0.1; echo job\(i) >> $TEST_MARK_DIR/$TEST_NODE"])
                #expect(r.status == 0, "\(r)")
                ids.append(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            try await eventually("all 30 jobs complete", timeout: .seconds(90)) {
                try await platform.sql("SELECT count(*) FROM jobs WHERE status IN ('succeeded','failed')") == "30"
            }
            #expect(try await platform.sql("SELECT count(*) FROM jobs WHERE status = 'succeeded'") == "30", "\(platform.log("scheduler-1"))")
            #expect(try await platform.sql("SELECT count(*) FROM tasks") == "90")
            #expect(try await platform.sql("SELECT count(*) FROM tasks WHERE result_received_at IS NULL") == "0")
            // Every job ran exactly once on every node.
            for node in nodes {
                let marks = platform.marks(node)
                #expect(marks.count == 30, "\(node) ran \(marks.count) tasks")
                #expect(Set(marks).count == 30)
            }
        }
    }

    @Test("a broker restart during a run: the job still completes and nothing is lost", .timeLimit(.minutes(4)))
    func brokerRestartDuringRun() async throws {
        let env = try TestEnvironment.load()
        guard let restart = env.restartBroker else { throw HarnessError("COXSWAIN_TEST_RESTART_BROKER is not set") }
        let nodes = ["node-a", "node-b"]
        try await TestPlatform.with(nodes: nodes, audit: false) { platform in

            let waiter = Task {
                try await platform.cli(
                    ["exec", "--verb", "RUN", "sleep 4; echo done >> $TEST_MARK_DIR/$TEST_NODE; echo done", "--wait", "--output", "json"],
                    timeout: .seconds(120))
            }
            try await eventually("tasks running") { try await platform.sql("SELECT count(*) FROM tasks WHERE dispatched_at IS NOT NULL") == "2" }
            let restarted = try await runCommand("/bin/sh", ["-c", restart], timeout: .seconds(120))
            #expect(restarted.status == 0, "\(restarted)")
            let r = try await waiter.value
            #expect(r.status == 0, "\(r)\n\(platform.log("scheduler-0"))")
            let detail = try decodeJSON(r.stdout)
            #expect(job(detail)["status"] as? String == "succeeded", "\(r.stdout)\n\(platform.log("deployer-node-a"))")
            for node in nodes { #expect(platform.marks(node) == ["done"]) }

            // And the platform keeps working after the restart.
            try await platform.waitForOnline(nodes)
            let after = try await platform.cli(["exec", "--verb", "ECHO", "again", "--wait", "--check"])
            #expect(after.status == 0, "\(after)")
        }
    }

    @Test("a Deployer killed mid-task reports it failed after restart, and does not re-run finished work", .timeLimit(.minutes(3)))
    func deployerCrashRecovery() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { platform in

            let finished = try await platform.cli(["exec", "--verb", "RUN", "echo once >> $TEST_MARK_DIR/$TEST_NODE", "--wait", "--check"])
            #expect(finished.status == 0, "\(finished)")
            let id = try await platform.cli(["exec", "--verb", "RUN", "sleep 30"])
            let jobID = id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await eventually("task started") {
                let dispatched = try await platform.sql("SELECT count(*) FROM tasks WHERE job_id = '\(jobID)' AND dispatched_at IS NOT NULL") == "1"
                let running = try await runCommand("/usr/bin/pgrep", ["-f", "^sleep 30$"])
                return dispatched && running.status == 0
            }
            await platform.stop("deployer-node-a", signal: SIGKILL)
            try platform.startDeployer("node-a")
            let r = try await platform.cli(["exec", "--verb", "ECHO", "x", "--wait"])  // platform alive again
            #expect(r.status == 0, "\(r)")
            try await eventually("interrupted task reported") {
                try await platform.sql("SELECT status FROM tasks WHERE job_id = '\(jobID)'") == "failed"
            }
            #expect(try await platform.sql("SELECT error FROM tasks WHERE job_id = '\(jobID)'").contains("interrupted"))
            #expect(platform.marks("node-a") == ["once"])
        }
    }
}
