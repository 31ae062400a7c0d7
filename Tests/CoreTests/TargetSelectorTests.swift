import CoxswainCore
import Testing

@Suite("Targeting: names, globs, label and fact selectors")
struct TargetSelectorTests {
    static let fleet = [
        TargetCandidate(name: "web-1", online: true, labels: ["role": "web", "dc": "eu1"], facts: ["os": ["debian"], "facter.os.family": ["Debian"]]),
        TargetCandidate(name: "web-2", online: true, labels: ["role": "web", "dc": "eu2"], facts: ["os": ["rocky"], "pkgs": ["nginx", "curl"]]),
        TargetCandidate(name: "web-3", online: false, labels: ["role": "web", "dc": "us1", "canary": "yes"]),
        TargetCandidate(name: "db-1", online: true, labels: ["role": "db", "dc": "eu1"], facts: ["os": ["debian"]]),
    ]

    func resolve(_ targets: [String] = [], labels: [String] = [], facts: [String] = [], exact: [String: String] = [:]) throws -> [String] {
        try TargetSelector(targets: targets, labels: exact, labelSelectors: labels, factSelectors: facts).resolve(Self.fleet)
    }

    @Test("globs, character classes, ranges, negation and comma lists pick nodes by name")
    func globs() throws {
        #expect(try resolve(["web-*"]) == ["web-1", "web-2", "web-3"])
        #expect(try resolve(["web-[12]"]) == ["web-1", "web-2"])
        #expect(try resolve(["web-[!1]"]) == ["web-2", "web-3"])
        #expect(try resolve(["web-[2-3]"]) == ["web-2", "web-3"])
        #expect(try resolve(["?b-1"]) == ["db-1"])
        #expect(try resolve(["db-1,web-2"]) == ["db-1", "web-2"])
        #expect(try resolve(["web-1", "web-1,*-1"]) == ["db-1", "web-1"])
        #expect(NodePattern.glob("*").matches("anything"))
        #expect(!NodePattern.glob("web-*x").matches("web-1"))
        #expect(NodePattern.glob("a*b*c").matches("aXbYbZc"))
    }

    @Test("a glob that matches nothing and an unknown name are refused, naming them")
    func nothingMatches() {
        #expect(throws: TargetResolutionError.noNodeMatchesGlob("cache-*")) { try resolve(["web-1", "cache-*"]) }
        #expect(throws: TargetResolutionError.unknownTargets(["ghost", "spook"])) { try resolve(["ghost,web-1", "spook", "ghost"]) }
        #expect(TargetResolutionError.noNodeMatchesGlob("cache-*").description == "no node matches 'cache-*'")
        #expect(TargetResolutionError.unknownTargets(["ghost"]).description == "unknown target: ghost")
    }

    @Test("no targets: every online node; selectors alone consider offline nodes too")
    func defaults() throws {
        #expect(try resolve() == ["db-1", "web-1", "web-2"])
        #expect(try resolve(labels: ["role=web"]) == ["web-1", "web-2", "web-3"])
        #expect(try TargetSelector().isEveryOnlineNode && !TargetSelector(targets: ["a"]).isEveryOnlineNode)
    }

    @Test("label selectors: =, ==, !=, in, notin, exists, absent; comma is and; several are or")
    func labels() throws {
        #expect(try resolve(labels: ["role=web,dc in (eu1,eu2)"]) == ["web-1", "web-2"])
        #expect(try resolve(labels: ["role==db"]) == ["db-1"])
        #expect(try resolve(labels: ["role!=web"]) == ["db-1"])
        #expect(try resolve(labels: ["dc notin (eu1)"]) == ["web-2", "web-3"])
        #expect(try resolve(labels: ["canary"]) == ["web-3"])
        #expect(try resolve(labels: ["role=web,!canary"]) == ["web-1", "web-2"])
        #expect(try resolve(labels: ["role=db", "dc=us1"]) == ["db-1", "web-3"])
        #expect(try resolve(["web-*"], labels: ["dc=eu1"]) == ["web-1"])
        // An older client's exact map is and-ed into every selector.
        #expect(try resolve(labels: ["dc=eu1", "dc=eu2"], exact: ["role": "web"]) == ["web-1", "web-2"])
        #expect(try resolve(exact: ["role": "web", "dc": "eu2"]) == ["web-2"])
        #expect(throws: TargetResolutionError.noNodeMatchesLabels("role=db", amongNamed: true)) { try resolve(["web-*"], labels: ["role=db"]) }
        #expect(throws: TargetResolutionError.noNodeMatchesLabels("role=x or dc=y", amongNamed: false)) { try resolve(labels: ["role=x", "dc=y"]) }
    }

    @Test("fact selectors match scalar facts, dotted keys and list members")
    func facts() throws {
        #expect(try resolve(facts: ["os=debian"]) == ["db-1", "web-1"])
        #expect(try resolve(facts: ["facter.os.family in (Debian,RedHat)"]) == ["web-1"])
        #expect(try resolve(facts: ["pkgs=nginx"]) == ["web-2"])
        #expect(try resolve(labels: ["role=web"], facts: ["os=debian", "os=rocky"]) == ["web-1", "web-2"])
        #expect(try resolve(facts: ["!os"]) == ["web-3"])
        #expect(throws: TargetResolutionError.noNodeMatchesFacts("os=arch", amongSelected: false)) { try resolve(facts: ["os=arch"]) }
    }

    @Test("selectors print back in their own syntax")
    func descriptions() throws {
        let s = try LabelSelector(parsing: " role = web , dc in ( eu1 , eu2 ), !canary, gpu, tier!=db, x notin (a)")
        #expect(s.description == "role=web,dc in (eu1,eu2),!canary,gpu,tier!=db,x notin (a)")
        #expect(try LabelSelector(parsing: "role=web") == LabelSelector(labels: ["role": "web"]))
    }

    @Test(
        "malformed selectors name the position and the problem",
        arguments: [
            ("role=web,dc in (eu1,eu2", "expected ')' after 'eu2' at 24"),
            ("role=", "expected a value after 'role=', found the end at 6"),
            ("role=web,", "expected a requirement (key=value, key in (a,b), key, !key) at 10"),
            ("", "expected a requirement (key=value, key in (a,b), key, !key) at 1"),
            ("dc in eu1", "expected '(' after 'in', found 'e' at 7"),
            ("dc among (a)", "expected '=', '!=', 'in', 'notin', ',' or the end after 'dc', found 'among' at 4"),
            ("dc in (a b)", "expected ',' or ')' after 'a', found 'b' at 10"),
            ("role!web", "expected '=' after 'role!' at 6"),
            ("=web", "expected a key, found '=' at 1"),
            ("role=web)", "expected ',' or the end after 'role=web', found ')' at 9"),
        ])
    func syntaxErrors(_ text: String, _ message: String) {
        #expect(throws: TargetSyntaxError.self) { try LabelSelector(parsing: text) }
        do {
            _ = try LabelSelector(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("malformed names and globs name the field, entry and position")
    func patternErrors() {
        func message(_ targets: [String]) -> String? {
            do {
                _ = try TargetSelector(targets: targets)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message(["web-1", "web-[12"]) == "targets[1]: expected ']' to close the '[' at 5 at 8")
        #expect(message(["a,,b"]) == "targets[0]: expected a node name or glob at 3")
        #expect(message(["web-1,Web-*"]) == "targets[0]: 'W' cannot be in a node name at 7")
        #expect(message(["NOT OK"])?.hasPrefix("targets[0]: 'NOT OK' is neither a node name") == true)
        do {
            _ = try TargetSelector(
                targets: [], labelSelectors: ["role=web", "dc in (eu1"], names: ("--target", "--target-label", "--target-fact"), indexed: false)
            Issue.record("parsed")
        } catch {
            #expect(error.description == "--target-label: expected ')' after 'eu1' at 11")
        }
    }

    @Test("batch release: windows, pauses and fail-fast")
    func batchRelease() {
        #expect(BatchRelease.decide(batch: "2", total: 5, held: 3, occupied: 1, failed: 0, failFast: false) == .release(1))
        #expect(BatchRelease.decide(batch: "2", total: 5, held: 3, occupied: 2, failed: 0, failFast: false) == .wait)
        #expect(BatchRelease.decide(batch: "50%", total: 4, held: 2, occupied: 0, failed: 1, failFast: false) == .release(2))
        #expect(BatchRelease.decide(batch: "50%", total: 4, held: 2, occupied: 0, failed: 1, failFast: true) == .skipHeld)
        #expect(BatchRelease.decide(batch: "1", total: 4, held: 0, occupied: 0, failed: 1, failFast: true) == .wait)
        #expect(BatchRelease.decide(batch: "bogus", total: 4, held: 2, occupied: 0, failed: 0, failFast: false) == .wait)
    }
}
