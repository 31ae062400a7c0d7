import Foundation
import Testing

/// Issue 13 through the real CLI and platform: results that tell the truth (cached, skipped,
/// nodes vs steps, stderr, --no-trunc, one document per command, NDJSON, id prefixes), flags
/// that cannot fire the wrong command (exit 64, nothing sent), durations, network errors as
/// sentences, progress while waiting and Ctrl-C detaching.
extension PlatformTests {
    /// Every line of `text` parsed as a JSON object (NDJSON).
    func ndjson(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try decodeJSON(String($0)) }
    }

    @Test("exec: cached and stderr shown truthfully, --no-trunc, ndjson, one json document, id prefixes", .timeLimit(.minutes(3)))
    func execResultsTellTheTruth() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            // First run: succeeded on both; second: skipped by the job cache, shown as cached.
            let first = try await p.cli(["exec", "--verb", "RUN", "echo truth", "--wait"])
            #expect(first.status == 0 && first.stdout.contains(": 2 succeeded, 0 failed, 0 cached, 0 skipped of 2 node(s)"), "\(first)")
            let again = try await p.cli(["exec", "--verb", "RUN", "echo truth", "--wait", "--timeout", "90s"])
            #expect(again.status == 0 && again.stdout.contains(": 0 succeeded, 0 failed, 2 cached, 0 skipped of 2 node(s)"), "\(again)")
            #expect(again.stdout.contains("node-a  cached") && again.stdout.contains("node-b  cached"), "\(again)")
            let listed = try await p.cli(["manage", "--list-jobs"])
            #expect(listed.stdout.contains("CACHED") && listed.stdout.contains("SKIPPED"), "\(listed)")

            // OUTPUT shows stderr when stdout is empty.
            let stderrOnly = try await p.cli(["exec", "--verb", "RUN", "echo only-on-stderr >&2", "--wait", "--target", "node-a"])
            #expect(stderrOnly.stdout.contains("only-on-stderr"), "\(stderrOnly)")

            // --check waits by itself; a long failure is cut in the table and whole with --no-trunc.
            let long = String(repeating: "z", count: 150)
            let cut = try await p.cli(["exec", "--verb", "RUN", "echo \(long); exit 3", "--check", "--target", "node-a"])
            #expect(cut.status == 1 && cut.stdout.contains("failed") && !cut.stdout.contains(long), "\(cut)")
            let whole = try await p.cli(["exec", "--verb", "RUN", "echo \(long); echo why >&2; exit 3", "--check", "--no-trunc", "--target", "node-a"])
            #expect(whole.status == 1 && whole.stdout.contains("[node-a] failed, exit 3") && whole.stdout.contains("    " + long), "\(whole)")
            #expect(whole.stdout.contains("  stderr:\n    why"), "\(whole)")

            // ndjson while watching: one JSON object per line, events then the job.
            let lines = try await p.cli(["exec", "--verb", "ECHO", "hi", "--wait", "-o", "ndjson"])
            let objects: [[String: Any]] = try ndjson(lines.stdout)
            #expect(lines.status == 0, "\(lines)")
            #expect(objects.count >= 2, "\(lines)")
            let eventLines: Int = objects.filter { (o: [String: Any]) -> Bool in o["event"] != nil }.count
            #expect(eventLines == objects.count - 1, "\(lines)")
            let lastHasTasks: Bool = objects.last?["tasks"] != nil
            #expect(lastHasTasks, "\(lines)")
            // json: exactly one document.
            let json = try await p.cli(["exec", "--verb", "ECHO", "one", "--wait", "--output", "json"])
            let detail = try decodeJSON(json.stdout)
            let id: String = try #require(job(detail)["id"] as? String).lowercased()
            let steps: [Int] = tasks(detail).compactMap { (t: [String: Any]) -> Int? in t["step"] as? Int }
            let verbs: [String] = tasks(detail).compactMap { (t: [String: Any]) -> String? in t["verb"] as? String }
            #expect(steps == [0, 0] && verbs == ["ECHO", "ECHO"], "\(json)")

            // A unique prefix (any case) names the job; too short or ambiguous is a usage error.
            let byPrefix = try await p.cli(["manage", "--job-info", String(id.prefix(8)).uppercased()])
            #expect(byPrefix.status == 0 && byPrefix.stdout.contains("job:        \(id)"), "\(byPrefix)")
            let analyzed = try await p.cli(["manage", "--analyze-job", String(id.prefix(6))])
            #expect(analyzed.status == 0 && analyzed.stdout.contains("jobs: 1"), "\(analyzed)")
            let short = try await p.cli(["manage", "--job-info", "ab"])
            #expect(short.status == 64, "\(short)")
            let none = try await p.cli(["manage", "--job-info", "ffffffff"])
            #expect(none.status == 2 && none.stderr.contains("no job of the team has an id starting with ffffffff"), "\(none)")
        }
    }

    @Test(
        "orchestrate: nodes vs steps, skipped steps, a STEP column, the parent id, one json document, block names in --list-jobs",
        .timeLimit(.minutes(3)))
    func orchestrateResultsTellTheTruth() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let file = p.directory + "/truth.yaml"
            try """
            - name: checks
              jobs:
              - RUN: echo cacheable
              - RUN: test $TEST_NODE = node-a
              - RUN: echo after
                vars: {skip_cache: true}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(r.status == 1, "\(r)")
            #expect(r.stdout.contains("parent "), "the parent id is printed with --wait: \(r)")
            #expect(
                r.stdout.contains(
                    "1 succeeded, 1 failed, 0 cached, 0 skipped of 2 node(s); steps: 4 succeeded, 1 failed, 0 cached, 1 skipped of 6 (3 per node)"),
                "\(r)")
            #expect(r.stdout.contains("STEP") && r.stdout.contains("3 RUN  skipped"), "\(r)")
            #expect(r.stderr.contains("block 1 (checks) on node-b step 2 RUN: failed") && !r.stderr.contains("step 3"), "\(r.stderr)")

            // Again: the first step is cached where it succeeded before.
            let again = try await p.cli(["orchestrate", file, "--wait", "-o", "json"], timeout: .seconds(90))
            let doc: [String: Any] = try decodeJSON(again.stdout)
            let results: [[String: Any]] = doc["results"] as? [[String: Any]] ?? []
            #expect(doc["parent"] is String, "\(again)")
            #expect(results.count == 1, "\(again)")
            let result: [String: Any] = results.first ?? [:]
            let cachedTasks: Int = tasks(result).filter { (t: [String: Any]) -> Bool in t["cached"] as? Bool == true }.count
            #expect(cachedTasks == 3, "\(again)")
            let summary: [String: Any] = job(result)
            #expect(summary["cached"] as? Int == 3, "\(again)")
            #expect(summary["skipped"] as? Int == 1, "\(again)")

            let list = try await p.cli(["manage", "--list-jobs"])
            #expect(list.stdout.contains("checks (3 steps)"), "\(list)")
            let listed: [[String: Any]] = try ndjson(try await p.cli(["manage", "--list-jobs", "--output", "ndjson"]).stdout)
            #expect(listed.count == 2)
            let names: [String] = listed.compactMap { (o: [String: Any]) -> String? in o["name"] as? String }
            let stepCounts: [Int] = listed.compactMap { (o: [String: Any]) -> Int? in o["steps"] as? Int }
            let nodeCounts: [Int] = listed.compactMap { (o: [String: Any]) -> Int? in o["nodes"] as? Int }
            #expect(names == ["checks", "checks"] && stepCounts == [3, 3] && nodeCounts == [2, 2], "\(listed)")
        }
    }

    @Test(
        "flags that cannot fire the wrong command: exit 64 and nothing sent; network errors as sentences; --output everywhere",
        .timeLimit(.minutes(3)))
    func flagsCannotFireTheWrongCommand() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: true) { p in
            let before = try await p.sql("SELECT count(*) FROM jobs")
            let trailing = try await p.cli(["exec", "--verb", "RUN", "sleep 60", "--skip-cache"])
            #expect(trailing.status == 64 && trailing.stderr.contains("coxswain exec --verb RUN '--skip-cache sleep 60'"), "\(trailing)")
            let extra = try await p.cli(["exec", "--verb", "RUN", "echo a", "echo b"])
            #expect(extra.status == 64 && extra.stderr.contains("one word"), "\(extra)")
            let badDuration = try await p.cli(["exec", "--verb", "RUN", "true", "--timeout", "soon"])
            #expect(badDuration.status == 64, "\(badDuration)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == before, "a usage error sent a job")
            // The accepted forms run.
            let leading = try await p.cli(["exec", "--verb", "RUN", "--skip-cache", "echo led", "-o", "json", "--check", "--batch", "1", "--batch-wait", "1s"])
            #expect(leading.status == 0, "\(leading)")
            let leadingJob: [String: Any] = job(try decodeJSON(leading.stdout))
            #expect(leadingJob["status"] as? String == "succeeded", "\(leading)")

            // Network errors read as sentences.
            let noSocket = try await p.cli(["manage", "--list-nodes", "--socket", p.directory + "/missing.sock"])
            #expect(noSocket.status == 2 && noSocket.stderr.contains("cannot reach the Gateway on \(p.directory)/missing.sock: no such file"), "\(noSocket)")
            let refused = try await p.cli(["manage", "--list-nodes", "--url", "http://127.0.0.1:\(TestPlatform.freePort())"])
            #expect(refused.status == 2 && refused.stderr.contains(": connection refused"), "\(refused)")

            // audit: --since takes an age or an ISO date; export honours --output.
            try await eventually("audit records of the job") { try await p.cli(["audit", "list", "--since", "1h"]).stdout.contains("job.") }
            let old = try await p.cli(["audit", "list", "--since", "2000-01-01", "-o", "json"])
            let oldRecords: [Any] = (try? JSONSerialization.jsonObject(with: Data(old.stdout.utf8))) as? [Any] ?? []
            #expect(old.status == 0, "\(old)")
            #expect(!oldRecords.isEmpty, "\(old)")
            let exported = try await p.cli(["audit", "export", "--output", "json", "--since", "24h"])
            let exportedRecords: [Any] = (try? JSONSerialization.jsonObject(with: Data(exported.stdout.utf8))) as? [Any] ?? []
            #expect(!exportedRecords.isEmpty, "\(exported)")
            let csvJSON = try await p.cli(["audit", "export", "--format", "csv", "-o", "json"])
            #expect(csvJSON.status == 64, "\(csvJSON)")

            // bootstrap --plan honours --output (and submits nothing).
            let catalog = p.directory + "/plan.yaml"
            try """
            coxswain_clients:
              args:
                username: ops
              targets:
              - host: 127.0.0.1
                port: 2222
                name: plan-a
              jobs:
              - RUN: echo planned
            """.write(toFile: catalog, atomically: true, encoding: .utf8)
            let plan = try await p.cli(["bootstrap", "--catalog", catalog, "--plan", "--output", "json"])
            let hosts: [[String: Any]] = (try? JSONSerialization.jsonObject(with: Data(plan.stdout.utf8))) as? [[String: Any]] ?? []
            let host: [String: Any] = hosts.first ?? [:]
            let planSteps: [Any] = host["steps"] as? [Any] ?? []
            #expect(plan.status == 0, "\(plan)")
            #expect(host["name"] as? String == "plan-a", "\(plan)")
            #expect(!planSteps.isEmpty, "\(plan)")
            let planWait = try await p.cli(["bootstrap", "--catalog", catalog, "--plan", "--check"])
            #expect(planWait.status == 64, "\(planWait)")
        }
    }

    @Test("--wait shows progress lines off a terminal; Ctrl-C detaches with exit 130 and the job continues", .timeLimit(.minutes(3)))
    func waitProgressAndDetach() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let out = p.directory + "/detach.out"
            let err = p.directory + "/detach.err"
            // `env --default-signal=INT`: a background job of sh starts with SIGINT ignored.
            let script = """
                env --default-signal=INT '\(p.env.binDirectory)/coxswain' exec --verb RUN 'sleep 6; echo slept' --wait > '\(out)' 2> '\(err)' &
                pid=$!
                sleep 4
                kill -INT $pid
                wait $pid
                echo "rc=$?"
                """
            var e = p.childEnvironment
            e["COXSWAIN_SOCKET"] = p.socketPath
            e["COXSWAIN_CONFIG_DIR"] = p.directory + "/cli-config"
            e["COXSWAIN_PROGRESS_SECONDS"] = "1"
            let r = try await runCommand("/bin/sh", ["-c", script], environment: e, timeout: .seconds(30))
            let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            #expect(r.stdout.contains("rc=130"), "\(r) \(stderr)")
            #expect(stderr.contains("progress: job "), "\(stderr)")
            #expect(stderr.contains("/2 done, 0 failed,"), "\(stderr)")
            #expect(stderr.contains("waiting on node-"), "\(stderr)")
            #expect(stderr.contains("detached; the job continues: coxswain manage --job-info "), "\(stderr)")
            // Not cancelled: the job still finishes.
            try await eventually("the detached job finishes", timeout: .seconds(30)) {
                let info = try await p.cli(["manage", "--job-info", "last", "-o", "json"])
                let last: [String: Any] = job(try decodeJSON(info.stdout))
                return last["status"] as? String == "succeeded"
            }
        }
    }
}
