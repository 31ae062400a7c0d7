import Foundation
import Testing

/// The rest of Directord's verbs on real Deployers: ADD/COPY through content-addressed artifacts
/// (with the cache and `--blueprint`), QUERY feeding templates across nodes, QUERY_WAIT,
/// JOB_WAIT ordering two nodes, QUEUESENTINEL, REBOOT, `manage --dump-cache` and
/// `--analyze-parent`.
extension PlatformTests {
    @Test("ADD/COPY: artifacts fetched and verified by agents, cache skip, re-run on content or template change", .timeLimit(.minutes(4)))
    func addCopy() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let m = p.markDirectory
            let files = p.directory + "/orch/files"
            try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
            let blob = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
            try blob.write(to: URL(fileURLWithPath: files + "/data.bin"))
            try "alpha\n".write(toFile: files + "/a.txt", atomically: true, encoding: .utf8)
            try "beta\n".write(toFile: files + "/b.txt", atomically: true, encoding: .utf8)
            try "port={{ port }}\nnodes={{ peers | join(',') }}\n".write(toFile: files + "/app.conf.j2", atomically: true, encoding: .utf8)
            let file = p.directory + "/orch/files.yaml"
            func write(port: Int) throws {
                try """
                - jobs:
                  - ARG: port \(port)
                  - ARG: peers ["node-a", "node-b"]
                  - ADD: files/data.bin \(m)/out/data.bin
                  - COPY: --chmod 0600 files/*.txt \(m)/out/txt/
                  - ADD: --blueprint files/app.conf.j2 \(m)/out/app.conf
                """.write(toFile: file, atomically: true, encoding: .utf8)
            }
            try write(port: 8080)
            let first = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(first.status == 0, "\(first)")
            #expect(FileManager.default.contents(atPath: m + "/out/data.bin") == blob)
            #expect(try String(contentsOfFile: m + "/out/txt/a.txt", encoding: .utf8) == "alpha\n")
            let mode = (try FileManager.default.attributesOfItem(atPath: m + "/out/txt/b.txt")[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            #expect(try String(contentsOfFile: m + "/out/app.conf", encoding: .utf8) == "port=8080\nnodes=node-a,node-b\n")
            // Stored once per content, in the team's artifacts.
            #expect(try await p.sql("SELECT count(*) FROM artifacts WHERE complete") == "4")

            // Nothing changed: every ADD/COPY is answered from the node's cache.
            let again = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(again.status == 0, "\(again)")
            let cachedAgain = try await p.sql(
                "SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.cached AND t.verb IN ('ADD', 'COPY') AND j.created_at = (SELECT max(created_at) FROM jobs)"
            )
            #expect(cachedAgain == "6", "ADD/COPY tasks answered from the cache: \(cachedAgain)")

            // A changed file runs that job again (Directord's fingerprint ignored content).
            try "alpha v2\n".write(toFile: files + "/a.txt", atomically: true, encoding: .utf8)
            // A changed template value re-renders the blueprint.
            try write(port: 9090)
            let changed = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(changed.status == 0, "\(changed)")
            #expect(try String(contentsOfFile: m + "/out/txt/a.txt", encoding: .utf8) == "alpha v2\n")
            #expect(try String(contentsOfFile: m + "/out/app.conf", encoding: .utf8) == "port=9090\nnodes=node-a,node-b\n")
            let rerun = try await p.sql(
                "SELECT string_agg(DISTINCT t.verb || ':' || t.cached, ',' ORDER BY t.verb || ':' || t.cached) FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.verb IN ('ADD', 'COPY') AND j.created_at = (SELECT max(created_at) FROM jobs)"
            )
            #expect(rerun == "ADD:false,ADD:true,COPY:false", "\(rerun)")

            // exec: sources relative to the working directory; --job-info shows the fingerprint.
            let single = try await p.cli(["exec", "--verb", "COPY", "\(files)/b.txt \(m)/single/", "--target", "node-b", "--wait", "--check"])
            #expect(single.status == 0 && (try? String(contentsOfFile: m + "/single/b.txt", encoding: .utf8)) == "beta\n", "\(single)")
            let info = try await p.cli(["manage", "--job-info", "last"])
            #expect(info.stdout.contains("fingerprint:"), "\(info)")

            // A missing source stops everything before submission, naming it.
            let before = try await p.sql("SELECT count(*) FROM jobs")
            let missing = try await p.cli(["exec", "--verb", "ADD", "\(files)/nope.txt /tmp/x", "--wait"])
            #expect(missing.status == 2 && missing.stderr.contains("nope.txt"), "\(missing)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == before)

            // Artifacts are for enrolled nodes with a pending task that needs them: an unsigned,
            // a forged and an anonymous download are all refused.
            let digest = try await p.sql("SELECT digest FROM artifacts LIMIT 1")
            let (anonymous, _) = try await p.http("GET", "/v1/node/artifacts/\(digest)")
            #expect(anonymous == 403)
            let (forged, _) = try await p.http(
                "GET", "/v1/node/artifacts/\(digest)",
                headers: [
                    "X-Coxswain-Node: node-a", "X-Coxswain-Task: \(UUID().uuidString.lowercased())", "X-Coxswain-Time: \(Int(Date().timeIntervalSince1970))",
                    "X-Coxswain-Signature: AAAA",
                ]
            )
            #expect(forged == 403)
            // The CLI's view needs a role: viewers may read, uploads need member.
            let (listed, _) = try await p.http("GET", "/v1/artifacts/\(digest)")
            #expect(listed == 401)
        }
    }

    @Test("QUERY feeds templates on every node; QUERY_WAIT; JOB_WAIT orders two nodes", .timeLimit(.minutes(4)))
    func queryAndJobWait() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let m = p.markDirectory
            let file = p.directory + "/query.yaml"
            try """
            - name: query
              jobs:
              - RUN: --stdout-arg color echo $TEST_NODE-colour
              - QUERY: color
              - RUN: echo '{{ query["node-a"].color }}+{{ query["node-b"].color }}' >> \(m)/$TEST_NODE
            - name: wait
              jobs:
              - QUERY_WAIT: color --identity node-a node-b --query-timeout 20
              - RUN: echo waited >> \(m)/$TEST_NODE
            - name: no-wait
              jobs:
              - RUN: --stdout-arg shade echo $TEST_NODE-shade
              - QUERY: --no-wait shade
              - QUERY_WAIT: shade --identity node-a node-b --query-timeout 20
              - RUN: echo '{{ query["node-b"].shade }}' >> \(m)/$TEST_NODE
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(r.status == 0, "\(r)\n\(p.log("scheduler-0"))")
            #expect(p.marks("node-a") == ["node-a-colour+node-b-colour", "waited", "node-b-shade"], "\(p.marks("node-a"))")
            #expect(p.marks("node-b") == ["node-a-colour+node-b-colour", "waited", "node-b-shade"], "\(p.marks("node-b"))")

            // JOB_WAIT: node-b's block waits for node-a's slow job (run side by side, async).
            let slow = "RUN: sleep 2; date +%s.%N > \(m)/slow-done"
            let slowFile = p.directory + "/slow.yaml"
            try "- targets: [node-a]\n  jobs:\n  - \(slow)\n".write(toFile: slowFile, atomically: true, encoding: .utf8)
            let prints = try await p.cli(["orchestrate", slowFile, "--finger-print"])
            let sha = try #require(
                prints.stdout.split(separator: "\n").first { $0.contains("RUN") }?.split(separator: " ", omittingEmptySubsequences: true)
                    .first { $0.count == 16 && $0.allSatisfy(\.isHexDigit) }.map(String.init),
                "\(prints)"
            )
            let both = p.directory + "/jobwait.yaml"
            try """
            - name: slow
              async: true
              targets: [node-a]
              jobs:
              - \(slow)
            - name: waiter
              async: true
              targets: [node-b]
              jobs:
              - JOB_WAIT: \(sha) --identity node-a --job-timeout 30
              - RUN: date +%s.%N > \(m)/waiter-start
            """.write(toFile: both, atomically: true, encoding: .utf8)
            let w = try await p.cli(["orchestrate", both, "--wait", "--check"], timeout: .seconds(90))
            #expect(w.status == 0, "\(w)")
            let done = Double((try? String(contentsOfFile: m + "/slow-done", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            let start = Double((try? String(contentsOfFile: m + "/waiter-start", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            #expect(done > 0 && start > done, "node-b started at \(start), before node-a finished at \(done)")

            // A JOB_WAIT that can never be satisfied fails after its timeout and skips the rest.
            let never = p.directory + "/never.yaml"
            try """
            - targets: [node-b]
              jobs:
              - JOB_WAIT: 0123456789abcdef --identity node-a --job-timeout 1
              - RUN: echo never >> \(m)/node-b
            """.write(toFile: never, atomically: true, encoding: .utf8)
            let n = try await p.cli(["orchestrate", never, "--wait", "--check"], timeout: .seconds(60))
            #expect(n.status == 1 && n.stderr.contains("node-b"), "\(n)")
            #expect(!p.marks("node-b").contains("never"))
            #expect(try await p.sql("SELECT count(*) FROM tasks WHERE error LIKE 'JOB_WAIT 0123456789abcdef%'") == "1")
        }
    }

    @Test("QUEUESENTINEL drops queued tasks; REBOOT holds work until the agent is back; dump-cache; analyze-parent", .timeLimit(.minutes(4)))
    func sentinelRebootAndManage() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            let m = p.markDirectory
            // One batch at a time on node-a, and a REBOOT that only leaves a mark.
            await p.stop("deployer-node-a")
            try p.startDeployer("node-a", extraArguments: ["--set", "deployer.concurrency=1", "--set", "deployer.reboot_command=touch \(m)/rebooted"])
            try await p.waitForOnline(["node-a"])

            let busy = try await p.cli(["exec", "--verb", "RUN", "sleep 3; echo busy >> \(m)/node-a", "--target", "node-a", "--output", "json"])
            #expect(busy.status == 0, "\(busy)")
            try await Task.sleep(for: .milliseconds(500))
            var queued: [String] = []
            for i in 1...2 {
                let q = try await p.cli(["exec", "--verb", "RUN", "echo queued-\(i) >> \(m)/node-a", "--target", "node-a"])
                queued.append(q.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let sentinel = try await p.cli(["exec", "--verb", "QUEUESENTINEL", "--target", "node-a", "--wait", "--check"])
            #expect(sentinel.status == 0, "\(sentinel)")
            // Wait for the queued jobs to be reported.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while clock.now < deadline, try await p.sql("SELECT count(*) FROM tasks WHERE error LIKE 'dropped by QUEUESENTINEL%'") != "2" {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await p.sql("SELECT count(*) FROM tasks WHERE error LIKE 'dropped by QUEUESENTINEL%'") == "2")
            #expect(p.marks("node-a") == ["busy"], "\(p.marks("node-a"))")
            // Work submitted after the sentinel runs.
            #expect(try await p.cli(["exec", "--verb", "RUN", "echo after >> \(m)/node-a", "--target", "node-a", "--wait", "--check"]).status == 0)
            #expect(p.marks("node-a") == ["busy", "after"])

            // REBOOT: the node's later work waits until an agent started after the reboot reports.
            let reboot = try await p.cli(["exec", "--verb", "REBOOT", "1", "--target", "node-a", "--wait", "--check"])
            #expect(reboot.status == 0, "\(reboot)")
            #expect(try await p.nodeStatuses()["node-a"] == "rebooting")
            let held = try await p.cli(["exec", "--verb", "RUN", "echo after-reboot >> \(m)/node-a", "--target", "node-a"])
            let heldID = held.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await Task.sleep(for: .seconds(3))
            #expect(FileManager.default.fileExists(atPath: m + "/rebooted"), "the reboot command did not run")
            #expect(!p.marks("node-a").contains("after-reboot"), "work ran before the node came back")
            #expect(try await p.sql("SELECT status FROM jobs WHERE id = '\(heldID)'") == "dispatched")
            await p.stop("deployer-node-a")
            try p.startDeployer("node-a", extraArguments: ["--set", "deployer.concurrency=1"])
            let back = clock.now + .seconds(20)
            while clock.now < back, try await p.sql("SELECT status FROM jobs WHERE id = '\(heldID)'") != "succeeded" {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(p.marks("node-a").last == "after-reboot", "\(p.marks("node-a"))")

            // dump-cache: the node's args, envs and job cache.
            #expect(try await p.cli(["exec", "--verb", "ARG", "colour blue", "--target", "node-a", "--wait", "--check"]).status == 0)
            let dump = try await p.cli(["manage", "--dump-cache", "node-a"])
            #expect(dump.status == 0 && dump.stdout.contains("colour: blue") && dump.stdout.contains("fingerprint"), "\(dump)")

            // analyze-parent: every block of one orchestrate run.
            let file = p.directory + "/two.yaml"
            try "- jobs:\n  - RUN: true\n- jobs:\n  - ECHO: hello\n".write(toFile: file, atomically: true, encoding: .utf8)
            let run = try await p.cli(["orchestrate", file])
            let parent = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("parent ") }?.split(separator: " ")[1].description, "\(run)")
            let done = clock.now + .seconds(20)
            while clock.now < done, try await p.sql("SELECT count(*) FROM jobs WHERE parent_id = '\(parent)' AND status = 'succeeded'") != "2" {
                try await Task.sleep(for: .milliseconds(200))
            }
            let analysis = try await p.cli(["manage", "--analyze-parent", parent])
            #expect(analysis.status == 0 && analysis.stdout.contains("jobs: 2, tasks: 2"), "\(analysis)")
        }
    }

    @Test("orchestrate --target, --restrict, --ignore-cache, --force-async; RUN --no-block; WAIT --url", .timeLimit(.minutes(3)))
    func orchestrateOptions() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let m = p.markDirectory
            let file = p.directory + "/options.yaml"
            try """
            - jobs:
              - RUN: echo one >> \(m)/$TEST_NODE
              - RUN: echo two >> \(m)/$TEST_NODE
            - jobs:
              - RUN: date +%s.%N >> \(m)/b1-$TEST_NODE; sleep 1; date +%s.%N >> \(m)/b1-$TEST_NODE
            - jobs:
              - RUN: date +%s.%N >> \(m)/b2-$TEST_NODE; sleep 1; date +%s.%N >> \(m)/b2-$TEST_NODE
            """.write(toFile: file, atomically: true, encoding: .utf8)
            // --target overrides the file's targets.
            #expect(try await p.cli(["orchestrate", file, "--target", "node-b", "--wait", "--check"], timeout: .seconds(60)).status == 0)
            #expect(p.marks("node-b") == ["one", "two"] && p.marks("node-a").isEmpty, "\(p.marks("node-a")) \(p.marks("node-b"))")
            // Cached the second time; --ignore-cache runs everything again.
            #expect(try await p.cli(["orchestrate", file, "--target", "node-b", "--wait", "--check"], timeout: .seconds(60)).status == 0)
            #expect(p.marks("node-b") == ["one", "two"])
            #expect(try await p.cli(["orchestrate", file, "--target", "node-b", "--ignore-cache", "--wait", "--check"], timeout: .seconds(60)).status == 0)
            #expect(p.marks("node-b") == ["one", "two", "one", "two"])
            // --restrict runs only the jobs with those fingerprints.
            let prints = try await p.cli(["orchestrate", file, "--finger-print"])
            let two = try #require(
                prints.stdout.split(separator: "\n").first { $0.contains("echo two") }?.split(separator: " ").first {
                    $0.count == 16 && $0.allSatisfy(\.isHexDigit)
                },
                "\(prints)"
            )
            #expect(
                try await p.cli(["orchestrate", file, "--target", "node-b", "--ignore-cache", "--restrict", String(two.prefix(8)), "--wait", "--check"]).status
                    == 0)
            #expect(p.marks("node-b") == ["one", "two", "one", "two", "two"], "\(p.marks("node-b"))")
            // --force-async: blocks run beside each other.
            #expect(try await p.cli(["orchestrate", file, "--target", "node-a", "--force-async", "--wait", "--check"], timeout: .seconds(60)).status == 0)
            func span(_ name: String) -> (Double, Double) {
                let times = ((try? String(contentsOfFile: "\(m)/\(name)-node-a", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
                return (times.first ?? 0, times.last ?? 0)
            }
            let (s1, e1) = span("b1")
            let (s2, e2) = span("b2")
            #expect(s1 > 0 && s2 > 0 && s2 < e1 && s1 < e2, "--force-async blocks did not overlap: \(s1)-\(e1) vs \(s2)-\(e2)")

            // RUN --no-block: the job ends at once; the command goes on by itself.
            let clock = ContinuousClock()
            #expect(
                try await p.cli(["exec", "--verb", "RUN", "--no-block sleep 2; echo late >> \(m)/node-a", "--target", "node-a", "--wait", "--check"]).status
                    == 0)
            #expect(!p.marks("node-a").contains("late"), "RUN --no-block waited for the command")
            let deadline = clock.now + .seconds(10)
            while clock.now < deadline, !p.marks("node-a").contains("late") { try await Task.sleep(for: .milliseconds(200)) }
            #expect(p.marks("node-a").contains("late"))

            // WAIT --url: the Gateway's own health endpoint answers.
            let wait = try await p.cli([
                "exec", "--verb", "WAIT", "--url http://127.0.0.1:\(p.httpPort)/v1/health --retry 3", "--target", "node-a", "--wait", "--check",
            ])
            #expect(wait.status == 0, "\(wait)")
        }
    }
}
