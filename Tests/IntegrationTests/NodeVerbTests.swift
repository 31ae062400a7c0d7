import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Directord verbs on real Deployers through `exec`: args and templates, the job cache keyed on
/// rendered inputs, ENV, WORKDIR, WAIT, CACHEFILE, CACHEEVICT, --stdout-arg, strict undefined
/// variables, and state that survives an agent restart.
extension PlatformTests {
    @Test("node verbs: args feed templates, the cache skips repeats but not changes, state survives a restart", .timeLimit(.minutes(4)))
    func nodeVerbs() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            func exec(_ verb: String, _ args: String, _ extra: [String] = []) async throws -> CommandResult {
                try await p.cli(["exec", "--verb", verb, args, "--wait"] + extra)
            }
            let marks = p.markDirectory
            #expect(try await exec("ARG", "greeting hello-world", ["--check"]).status == 0)
            #expect(try await exec("ARG", "ports [80, 443]", ["--check"]).status == 0)
            let templated = try await exec("RUN", "echo {{ greeting }} {{ ports | join(',') }} > \(marks)/$TEST_NODE.greet", ["--check"])
            #expect(templated.status == 0, "\(templated)")
            for node in ["node-a", "node-b"] {
                #expect((try? String(contentsOfFile: "\(marks)/\(node).greet", encoding: .utf8)) == "hello-world 80,443\n")
            }

            // The cache: the same job is skipped; --skip-cache runs it; a changed rendered input runs it.
            let counter = "echo {{ greeting }} >> \(marks)/$TEST_NODE"
            #expect(try await exec("RUN", counter, ["--check"]).status == 0)
            #expect(try await exec("RUN", counter, ["--check"]).status == 0)
            #expect(p.marks("node-a") == ["hello-world"], "the repeat was not skipped: \(p.marks("node-a"))")
            let info = try await p.cli(["manage", "--job-info", "last"])
            #expect(info.stdout.contains("(cached: skipped"), "\(info)")
            #expect(try await exec("RUN", "--skip-cache " + counter, ["--check"]).status == 0)
            #expect(p.marks("node-a").count == 2)
            #expect(try await exec("ARG", "greeting changed", ["--check"]).status == 0)
            #expect(try await exec("RUN", counter, ["--check"]).status == 0)
            #expect(p.marks("node-a") == ["hello-world", "hello-world", "changed"])

            // Strict undefined: the task fails and names the variable.
            let undefined = try await exec("RUN", "echo {{ no_such_thing }}", ["--output", "json"])
            #expect(undefined.stdout.contains("\"failed\"") && undefined.stdout.contains("no_such_thing"), "\(undefined)")

            // ENV, --stdout-arg, WORKDIR, WAIT.
            #expect(try await exec("ENV", "COLOR blue", ["--check"]).status == 0)
            let color = try await exec("RUN", "--stdout-arg color_seen echo $COLOR", ["--check", "--target", "node-a"])
            #expect(color.status == 0 && color.stdout.contains("blue"), "\(color)")
            let seen = try await exec("RUN", "echo saw-{{ color_seen }}", ["--check", "--target", "node-a"])
            #expect(seen.stdout.contains("saw-blue"), "\(seen)")
            #expect(try await exec("WORKDIR", "--chmod 0750 \(marks)/dir-{{ greeting }}", ["--check"]).status == 0)
            var info2 = stat()
            #expect(stat("\(marks)/dir-changed", &info2) == 0 && (info2.st_mode & 0o777) == 0o750)
            let started = ContinuousClock.now
            #expect(try await exec("WAIT", "--seconds 0.3", ["--check"]).status == 0)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(try await exec("WAIT", "--retry 5 --retry-wait 0.1 --cmd test -d \(marks)/dir-changed", ["--check"]).status == 0)

            // CACHEFILE loads YAML into args.
            try "region: eu-1\nreplicas: 3\n".write(toFile: "\(marks)/facts.yaml", atomically: true, encoding: .utf8)
            #expect(try await exec("CACHEFILE", "\(marks)/facts.yaml", ["--check"]).status == 0)
            let facts = try await exec("RUN", "echo {{ region }}x{{ replicas + 1 }}", ["--check", "--target", "node-b"])
            #expect(facts.stdout.contains("eu-1x4"), "\(facts)")

            // A bad option is refused before anything runs.
            let bad = try await exec("WAIT", "--retry 2")
            #expect(bad.status == 2 && bad.stderr.contains("WAIT"), "\(bad)")

            // State survives an agent restart: args and the job cache.
            await p.stop("deployer-node-a")
            try p.startDeployer("node-a")
            try await p.waitForOnline(["node-a"])
            #expect(try await exec("RUN", counter, ["--check", "--target", "node-a"]).status == 0)
            #expect(p.marks("node-a").count == 3, "the cached job ran again after a restart")
            #expect(try await exec("CACHEEVICT", "jobs", ["--check", "--target", "node-a"]).status == 0)
            #expect(try await exec("RUN", counter, ["--check", "--target", "node-a"]).status == 0)
            #expect(p.marks("node-a").count == 4)
        }
    }
}

extension PlatformTests {
    @Test("--target-label picks the team's nodes by label; finished jobs past retention are deleted", .timeLimit(.minutes(3)))
    func labelsAndRetention() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false, schedulerSettings: ["scheduler.job_retention=2s"]) { p in
            try await p.enrolDeployer("web-1", extraArguments: ["--labels", "role=web,dc=eu"])
            try await p.enrolDeployer("web-2", extraArguments: ["--labels", "role=web,dc=us"])
            try await p.waitForOnline(["web-1", "web-2"])
            let web = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target-label", "role=web", "--wait", "--output", "json"])
            let nodes = ((try JSONSerialization.jsonObject(with: Data(web.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]] ?? []).compactMap {
                $0["node"] as? String
            }
            #expect(Set(nodes) == ["web-1", "web-2"], "\(web)")
            let eu = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target-label", "role=web,dc=eu", "--wait", "--output", "json"])
            #expect(eu.stdout.contains("web-1") && !eu.stdout.contains("web-2"), "\(eu)")
            let none = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target-label", "role=db"])
            #expect(none.status == 2 && none.stderr.contains("no node matches"), "\(none)")
            try "kept until retention\n".write(toFile: p.directory + "/artifact.txt", atomically: true, encoding: .utf8)
            #expect(
                try await p.cli(["exec", "--verb", "COPY", "\(p.directory)/artifact.txt \(p.markDirectory)/copied/", "--target", "web-1", "--wait", "--check"])
                    .status == 0)
            #expect(try await p.sql("SELECT count(*) FROM artifacts") == "1")
            // Retention (2 s here): the finished jobs disappear, then the artifacts only they used.
            try await eventually("finished jobs deleted", timeout: .seconds(20)) { try await p.sql("SELECT count(*) FROM jobs") == "0" }
            #expect(try await p.sql("SELECT count(*) FROM tasks") == "0")
            try await eventually("unreferenced artifacts deleted", timeout: .seconds(20)) { try await p.sql("SELECT count(*) FROM artifacts") == "0" }
        }
    }
}

extension PlatformTests {
    @Test("manage: analyze, export, purge jobs and offline nodes", .timeLimit(.minutes(3)))
    func manageCommands() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            #expect(try await p.cli(["exec", "--verb", "RUN", "sleep 0.2", "--wait", "--check"]).status == 0)
            let analysis = try await p.cli(["manage", "--analyze-job", "last"])
            #expect(analysis.status == 0 && analysis.stdout.contains("slowest node") && analysis.stdout.contains("node-b"), "\(analysis)")
            let json = try await p.cli(["manage", "--analyze-all", "--output", "json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect((object?["combinedExecutionSeconds"] as? Double ?? 0) >= 0.4, "\(json)")
            let file = p.directory + "/jobs.yaml"
            #expect(try await p.cli(["manage", "--export-jobs", file]).status == 0)
            #expect(((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").contains("sleep 0.2"))
            #expect(try await p.cli(["manage", "--export-nodes", p.directory + "/nodes.yaml"]).status == 0)
            #expect(((try? String(contentsOfFile: p.directory + "/nodes.yaml", encoding: .utf8)) ?? "").contains("node-b"))
            let purge = try await p.cli(["manage", "--purge-jobs"])
            #expect(purge.stdout.contains("deleted 1"), "\(purge)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == "0")
            // An offline node is purged with its broker user; an online one stays.
            await p.stop("deployer-node-b")
            try await eventually("node-b offline", timeout: .seconds(30)) { try await p.nodeStatuses()["node-b"] == "offline" }
            let nodes = try await p.cli(["manage", "--purge-nodes"])
            #expect(nodes.stdout.contains("node-b") && !nodes.stdout.contains("node-a"), "\(nodes)")
            #expect(try await p.nodeStatuses().keys.sorted() == ["node-a"])
        }
    }
}

extension PlatformTests {
    @Test("SERVICE refuses clearly without systemd; PKG drives apt-get on the node", .timeLimit(.minutes(3)))
    func serviceAndPackages() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            let service = try await p.cli(["exec", "--verb", "SERVICE", "--restarted nginx", "--wait", "--output", "json"])
            if FileManager.default.fileExists(atPath: "/run/systemd/system") {
                #expect(service.status == 0)
            } else {
                #expect(service.stdout.contains("SERVICE needs systemd"), "\(service)")
            }
            // An installed package is "present" without change; an unknown one fails with apt's reason.
            let present = try await p.cli(["exec", "--verb", "PKG", "coreutils", "--wait", "--check", "--timeout", "120"], timeout: .seconds(150))
            #expect(present.status == 0, "\(present)")
            let unknown = try await p.cli(
                ["exec", "--verb", "DNF", "coxswain-no-such-package", "--wait", "--output", "json", "--timeout", "120"], timeout: .seconds(150))
            #expect(unknown.stdout.contains("\"failed\"") && unknown.stdout.contains("coxswain-no-such-package"), "\(unknown)")
        }
    }
}

extension PlatformTests {
    @Test("--run-once runs on the first target only, in exec and in orchestrations", .timeLimit(.minutes(3)))
    func runOnce() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let m = p.markDirectory
            let r = try await p.cli(["exec", "--verb", "RUN", "--run-once echo once >> \(m)/$TEST_NODE", "--wait", "--check", "--output", "json"])
            #expect(r.status == 0, "\(r)")
            #expect(p.marks("node-a").count + p.marks("node-b").count == 1)
            let file = p.directory + "/once.yaml"
            try "- jobs:\n  - RUN: echo all >> \(m)/$TEST_NODE\n  - RUN: echo one >> \(m)/$TEST_NODE\n    vars: {run_once: true}\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            #expect(try await p.cli(["orchestrate", file, "--wait", "--check"]).status == 0)
            let all = (p.marks("node-a") + p.marks("node-b"))
            #expect(all.filter { $0 == "all" }.count == 2 && all.filter { $0 == "one" }.count == 1, "\(all)")
            // --exec-help prints the verb's help and submits nothing (exec and orchestrate).
            let jobs = try await p.sql("SELECT count(*) FROM jobs")
            let help = try await p.cli(["exec", "--verb", "RUN", "--exec-help"])
            #expect(help.status == 0 && help.stdout.contains("usage: RUN"), "\(help)")
            try "- jobs:\n  - WAIT: --exec-help\n".write(toFile: p.directory + "/help.yaml", atomically: true, encoding: .utf8)
            let orchestrationHelp = try await p.cli(["orchestrate", p.directory + "/help.yaml", "--wait"])
            #expect(orchestrationHelp.stdout.contains("usage: WAIT"), "\(orchestrationHelp)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == jobs)
        }
    }
}

extension PlatformTests {
    @Test("--batch runs at most N nodes (or N%) at a time, sliding", .timeLimit(.minutes(3)))
    func batchMode() async throws {
        let nodes = ["node-a", "node-b", "node-c", "node-d"]
        try await TestPlatform.with(nodes: nodes, audit: false) { p in
            let m = p.markDirectory
            func maxOverlap() -> Int {
                var events: [(Double, Int)] = []
                for node in nodes {
                    let t = p.marks(node).compactMap(Double.init)
                    stride(from: 0, to: t.count - 1, by: 2).forEach { events += [(t[$0], 1), (t[$0 + 1], -1)] }
                }
                var running = 0
                var peak = 0
                for (_, delta) in events.sorted(by: { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }) {
                    running += delta
                    peak = max(peak, running)
                }
                return peak
            }
            let command = "date +%s.%N >> \(m)/$TEST_NODE; sleep 0.4; date +%s.%N >> \(m)/$TEST_NODE"
            let two = try await p.cli(["exec", "--verb", "RUN", command, "--batch", "2", "--wait", "--check"])
            #expect(two.status == 0, "\(two)")
            #expect(nodes.allSatisfy { p.marks($0).count == 2 })
            #expect(maxOverlap() == 2, "peak \(maxOverlap())")
            for node in nodes { try? FileManager.default.removeItem(atPath: "\(m)/\(node)") }
            let quarter = try await p.cli(["exec", "--verb", "RUN", "--skip-cache " + command, "--batch", "25%", "--wait", "--check"])
            #expect(quarter.status == 0, "\(quarter)")
            #expect(maxOverlap() == 1, "peak \(maxOverlap())")
            #expect(try await p.cli(["exec", "--verb", "ECHO", "x", "--batch", "0"]).status == 64)
        }
    }
}
