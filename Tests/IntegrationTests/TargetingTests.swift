import Foundation
import Testing

/// Targeting like Salt, through the real CLI and platform: globs and comma lists, label selectors
/// with OR/NOT, facts, the `--list-nodes` preview, and batches with `--fail-fast`/`--batch-wait`.
extension PlatformTests {
    /// The nodes of a `--wait --output json` job, and each node's task error.
    static func taskNodes(_ r: CommandResult) -> [String: String] {
        let tasks = ((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]]) ?? []
        var out: [String: String] = [:]
        for t in tasks {
            if let node = t["node"] as? String { out[node] = (t["error"] as? String) ?? (t["status"] as? String ?? "") }
        }
        return out
    }

    /// The node names of a `--list-nodes --output json` preview.
    static func previewNodes(_ r: CommandResult) -> Set<String> {
        let nodes = ((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["nodes"] as? [[String: Any]]) ?? []
        return Set(nodes.compactMap { $0["name"] as? String })
    }

    @Test("targeting: globs, comma lists, label selectors with or/not, --list-nodes previews and submits nothing", .timeLimit(.minutes(3)))
    func targetingGlobsLabelsPreview() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            try await p.enrolDeployer("web-1", extraArguments: ["--labels", "role=web,dc=eu1"])
            try await p.enrolDeployer("web-2", extraArguments: ["--labels", "role=web,dc=eu2,canary=yes"])
            try await p.waitForOnline(["web-1", "web-2"])
            func reached(_ flags: [String]) async throws -> Set<String> {
                let r = try await p.cli(["exec", "--verb", "ECHO", "hi"] + flags + ["--wait", "--output", "json"])
                #expect(r.status == 0, "\(flags): \(r)")
                return Set(Self.taskNodes(r).keys)
            }
            #expect(try await reached(["--target", "web-*"]) == ["web-1", "web-2"])
            #expect(try await reached(["--target", "web-[1]", "--target", "node-a"]) == ["web-1", "node-a"])
            #expect(try await reached(["--target", "node-a,web-2"]) == ["node-a", "web-2"])
            #expect(try await reached(["--target-label", "role=web,dc in (eu1,eu3)"]) == ["web-1"])
            #expect(try await reached(["--target-label", "role=web,!canary"]) == ["web-1"])
            // Several --target-label flags: any one of them.
            #expect(try await reached(["--target-label", "dc=eu2", "--target-label", "!role"]) == ["web-2", "node-a"])
            #expect(try await reached(["--target", "*", "--target-label", "dc notin (eu1)"]) == ["web-2", "node-a"])

            let jobsBefore = try await p.sql("SELECT count(*) FROM jobs")
            let glob = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target", "web-1", "--target", "cache-*"])
            #expect(glob.status == 2 && glob.stderr.contains("no node matches 'cache-*'; nothing was submitted"), "\(glob)")
            let unknown = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target", "ghost,web-1"])
            #expect(unknown.status == 2 && unknown.stderr.contains("unknown target: ghost"), "\(unknown)")
            let labels = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target", "web-*", "--target-label", "role=db"])
            #expect(labels.status == 2 && labels.stderr.contains("no node matches the labels role=db among the named targets"), "\(labels)")
            let syntax = try await p.cli(["exec", "--verb", "ECHO", "hi", "--target-label", "role=web,dc in (eu1,eu2"])
            #expect(syntax.status == 64 && syntax.stderr.contains("--target-label: expected ')' after 'eu2' at 24"), "\(syntax)")

            // The preview: exactly whom the command would reach; nothing is submitted.
            let preview = try await p.cli(["exec", "--verb", "RUN", "rm -rf /nowhere", "--target", "web-*", "--target-label", "dc notin (eu1)", "--list-nodes"])
            #expect(preview.status == 0 && preview.stdout.contains("web-2") && !preview.stdout.contains("web-1"), "\(preview)")
            let json = try await p.cli(["exec", "--verb", "ECHO", "x", "--target-label", "role=web", "--list-nodes", "--output", "json"])
            #expect(Self.previewNodes(json) == ["web-1", "web-2"], "\(json)")
            let everyone = try await p.cli(["exec", "--verb", "ECHO", "x", "--list-nodes", "--output", "json"])
            #expect(Self.previewNodes(everyone) == ["node-a", "web-1", "web-2"] && everyone.stdout.contains("\"everyOnlineNode\" : true"), "\(everyone)")
            let missing = try await p.cli(["exec", "--verb", "ECHO", "x", "--target", "db-*", "--list-nodes"])
            #expect(missing.status == 2 && missing.stderr.contains("no node matches 'db-*'"), "\(missing)")
            let file = p.directory + "/site.yaml"
            try """
            - name: web
              targets: [web-1, web-2]
              jobs:
              - RUN: echo never
            - name: all
              jobs:
              - RUN: echo never
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let blocks = try await p.cli(["orchestrate", file, "--target-label", "!canary", "--list-nodes"])
            #expect(blocks.status == 0, "\(blocks)")
            let sections = blocks.stdout.components(separatedBy: "== block 2")
            #expect(sections.count == 2 && sections[0].contains("web-1") && !sections[0].contains("web-2") && sections[1].contains("node-a"), "\(blocks)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == jobsBefore)
        }
    }

    @Test("targeting: --target-fact matches the args the nodes were given (ARG, QUERY, dump-cache)", .timeLimit(.minutes(3)))
    func targetingFacts() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b", "node-c"], audit: false) { p in
            #expect(try await p.cli(["exec", "--verb", "ARG", "os debian", "--target", "node-a,node-b", "--wait", "--check"]).status == 0)
            #expect(try await p.cli(["exec", "--verb", "ARG", "os rocky", "--target", "node-b", "--wait", "--check"]).status == 0)
            #expect(try await p.cli(["exec", "--verb", "ARG", "pkgs [nginx, curl]", "--target", "node-c", "--wait", "--check"]).status == 0)
            let debian = try await p.cli(["exec", "--verb", "ECHO", "x", "--target-fact", "os=debian", "--list-nodes", "--output", "json"])
            #expect(Self.previewNodes(debian) == ["node-a"], "\(debian)")
            let run = try await p.cli([
                "exec", "--verb", "ECHO", "x", "--target-fact", "os in (debian,rocky)", "--target-fact", "pkgs=nginx", "--wait", "--output", "json",
            ])
            #expect(Set(Self.taskNodes(run).keys) == ["node-a", "node-b", "node-c"], "\(run)")
            let none = try await p.cli(["exec", "--verb", "ECHO", "x", "--target-fact", "os=arch"])
            #expect(none.status == 2 && none.stderr.contains("no node matches the facts os=arch; nothing was submitted"), "\(none)")
            // A node's own value, reported by QUERY, is known too; CACHEEVICT forgets.
            #expect(try await p.cli(["exec", "--verb", "QUERY", "os", "--target", "node-b", "--wait", "--check"]).status == 0)
            #expect(try await p.cli(["exec", "--verb", "CACHEEVICT", "args", "--target", "node-a", "--wait", "--check"]).status == 0)
            let after = try await p.cli(["exec", "--verb", "ECHO", "x", "--target-fact", "os", "--list-nodes", "--output", "json"])
            #expect(Self.previewNodes(after) == ["node-b"], "\(after)")
        }
    }

    @Test("batches: --fail-fast skips the nodes not started after a failure; --batch-wait pauses between nodes", .timeLimit(.minutes(3)))
    func targetingBatchFailFast() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b", "node-c"], audit: false) { p in
            let failing = try await p.cli(["exec", "--verb", "RUN", "test $TEST_NODE != node-a", "--batch", "1", "--fail-fast", "--wait", "--output", "json"])
            let outcome = Self.taskNodes(failing)
            #expect(outcome.count == 3, "\(failing)")
            #expect(outcome["node-b"]?.contains("--fail-fast") == true && outcome["node-c"]?.contains("--fail-fast") == true, "\(failing)")
            #expect(outcome["node-a"]?.contains("--fail-fast") == false, "\(failing)")
            // Without --fail-fast every node runs.
            let all = try await p.cli(["exec", "--verb", "RUN", "test $TEST_NODE != node-a", "--batch", "1", "--wait", "--output", "json"])
            #expect(Self.taskNodes(all).values.allSatisfy { !$0.contains("--fail-fast") }, "\(all)")
            let clock = ContinuousClock()
            let start = clock.now
            let paced = try await p.cli(["exec", "--verb", "ECHO", "paced", "--batch", "1", "--batch-wait", "1.5", "--wait", "--check"])
            #expect(paced.status == 0, "\(paced)")
            #expect(clock.now - start >= .seconds(3), "two pauses of 1.5 s between three nodes")
            let usage = try await p.cli(["exec", "--verb", "ECHO", "x", "--batch-wait", "2"])
            #expect(usage.status == 64 && usage.stderr.contains("--batch-wait goes with --batch"), "\(usage)")
        }
    }
}
