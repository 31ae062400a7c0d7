import Foundation
import Testing

/// `coxswain orchestrate` on real Deployers: steps in order per node, failure gating inside a
/// block, blocks in order, async blocks overlapping, per-job assign, --finger-print, bad files.
extension PlatformTests {
    @Test("orchestrate: blocks in order, gating inside a block, async blocks overlap, assign, finger-print", .timeLimit(.minutes(3)))
    func orchestrate() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            let m = p.markDirectory
            let file = p.directory + "/site.yaml"
            try """
            - name: setup
              jobs:
              - ARG: greeting hi
              - RUN: echo first-{{ greeting }} >> \(m)/$TEST_NODE
            - name: gated
              jobs:
              - RUN: test $TEST_NODE = node-a
              - RUN: echo after-gate >> \(m)/$TEST_NODE
            - name: ordered
              jobs:
              - RUN: echo third >> \(m)/$TEST_NODE
                vars: {skip_cache: true}
            - name: async-1
              async: true
              jobs:
              - RUN: date +%s.%N >> \(m)/a1-$TEST_NODE; sleep 1; date +%s.%N >> \(m)/a1-$TEST_NODE
            - name: async-2
              async: true
              jobs:
              - RUN: date +%s.%N >> \(m)/a2-$TEST_NODE; sleep 1; date +%s.%N >> \(m)/a2-$TEST_NODE
            - name: assigned
              jobs:
              - RUN: echo only-b >> \(m)/$TEST_NODE
                assign: [node-b]
            """.write(toFile: file, atomically: true, encoding: .utf8)

            let prints = try await p.cli(["orchestrate", file, "--finger-print"])
            #expect(prints.status == 0 && prints.stdout.split(separator: "\n").count == 9, "\(prints)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == "0")

            let r = try await p.cli(["orchestrate", file, "--wait", "--check"], timeout: .seconds(90))
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("block 2 (gated) on node-b"), "\(r.stderr)")
            #expect(p.marks("node-a") == ["first-hi", "after-gate", "third"], "\(p.marks("node-a"))")
            #expect(p.marks("node-b") == ["first-hi", "third", "only-b"], "\(p.marks("node-b"))")
            for node in ["node-a", "node-b"] {
                func span(_ name: String) -> (Double, Double) {
                    let times = ((try? String(contentsOfFile: "\(m)/\(name)-\(node)", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
                    return (times.first ?? 0, times.last ?? 0)
                }
                let (s1, e1) = span("a1")
                let (s2, e2) = span("a2")
                #expect(s1 > 0 && s2 > 0 && s2 < e1 && s1 < e2, "async blocks did not overlap on \(node): \(s1)-\(e1) vs \(s2)-\(e2)")
            }
            // A skipped step is reported as skipped because of the earlier failure, not dropped.
            #expect(try await p.sql("SELECT count(*) FROM tasks WHERE error LIKE 'skipped: an earlier task%'") == "1")

            // A malformed file names file and line; nothing is submitted.
            let bad = p.directory + "/bad.yaml"
            try "- name: broken\n  jobs:\n  - RUN: [unclosed\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let before = try await p.sql("SELECT count(*) FROM jobs")
            let refused = try await p.cli(["orchestrate", bad, "--wait"])
            #expect(refused.status == 2 && refused.stderr.contains("bad.yaml") && refused.stderr.contains("nothing was submitted"), "\(refused)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == before)
            let unknown = p.directory + "/unknown.yaml"
            try "- jobs:\n  - FROB: x\n".write(toFile: unknown, atomically: true, encoding: .utf8)
            let frob = try await p.cli(["orchestrate", unknown])
            #expect(frob.status == 2 && frob.stderr.contains("FROB") && frob.stderr.contains("unknown.yaml"), "\(frob)")
        }
    }
}
