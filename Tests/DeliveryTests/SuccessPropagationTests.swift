import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// What a success does to the other deployments: only on its node and prefix.
@Suite("Success propagation")
struct SuccessPropagationTests {
    static let chain = VersionLineage(chain: [VersionID("v1"), VersionID("v2"), VersionID("v3")])

    /// v1, v2 and v3 each successful on n1/a, n1/b, n2/a and n2/b: twelve deployments named `v2-n1-a`…
    static func grid(status: DeploymentStatus = .successful) throws -> [DeploymentSummary] {
        var all: [DeploymentSummary] = []
        for version in ["v1", "v2", "v3"] {
            for node in ["n1", "n2"] {
                for prefix in ["a", "b"] {
                    all.append(try Fixtures.deployment("\(version)-\(node)-\(prefix)", version: version, on: node, prefix: prefix, status: status))
                }
            }
        }
        return all
    }

    @Test("v2 succeeds on n1/a: v1 there is obsolete, v3 there downgraded, nothing else changes")
    func middleOfChain() throws {
        let all = try Self.grid()
        let succeeded = try #require(all.first { $0.id == DeploymentID("v2-n1-a") })
        let changes = SuccessPropagation.changes(after: succeeded, versionKind: .incremental, others: all, lineage: Self.chain)
        #expect(
            changes == [
                .init(id: DeploymentID("v1-n1-a"), from: .successful, to: .obsolete),
                .init(id: DeploymentID("v3-n1-a"), from: .successful, to: .downgraded),
            ])
    }

    @Test("the newest succeeds: every older version there is obsolete")
    func newest() throws {
        let all = try Self.grid()
        let succeeded = try #require(all.first { $0.id == DeploymentID("v3-n2-b") })
        let changes = SuccessPropagation.changes(after: succeeded, versionKind: .incremental, others: all, lineage: Self.chain)
        #expect(changes.map(\.id) == [DeploymentID("v1-n2-b"), DeploymentID("v2-n2-b")])
        #expect(changes.allSatisfy { $0.to == .obsolete })
    }

    @Test("a rollback to the oldest downgrades every newer version there")
    func rollbackToOldest() throws {
        var all = try Self.grid()
        // v1 on n2/a had been made obsolete by v3; deploying it again is a rollback.
        let n2a = try Fixtures.target("n2", "a")
        for i in all.indices where all[i].target == n2a { all[i].status = all[i].versionID == VersionID("v3") ? .successful : .obsolete }
        let succeeded = try #require(all.first { $0.id == DeploymentID("v1-n2-a") })
        let changes = SuccessPropagation.changes(after: succeeded, versionKind: .incremental, others: all, lineage: Self.chain)
        #expect(
            changes == [
                .init(id: DeploymentID("v2-n2-a"), from: .obsolete, to: .downgraded),
                .init(id: DeploymentID("v3-n2-a"), from: .successful, to: .downgraded),
            ])
    }

    @Test("other deployments of the same version there become obsolete; preparing, in-progress and already-changed ones stay")
    func sameVersionAndUntouched() throws {
        let succeeded = try Fixtures.deployment("new", version: "v2")
        let others = [
            succeeded,
            try Fixtures.deployment("old-success", version: "v2"),
            try Fixtures.deployment("old-failed", version: "v2", status: .failed),
            try Fixtures.deployment("copy-preparing", version: "v2", status: .preparing),
            try Fixtures.deployment("parent-running", version: "v1", status: .inProgress),
            try Fixtures.deployment("parent-obsolete", version: "v1", status: .obsolete),
            try Fixtures.deployment("parent-downgraded", version: "v1", status: .downgraded),
            try Fixtures.deployment("child-downgraded", version: "v3", status: .downgraded),
            try Fixtures.deployment("child-obsolete", version: "v3", status: .obsolete),
            try Fixtures.deployment("other-product", version: "x1", product: "blog"),
        ]
        let changes = SuccessPropagation.changes(after: succeeded, versionKind: .incremental, others: others, lineage: Self.chain)
        #expect(
            changes == [
                .init(id: DeploymentID("old-success"), from: .successful, to: .obsolete),
                .init(id: DeploymentID("old-failed"), from: .failed, to: .obsolete),
                .init(id: DeploymentID("parent-downgraded"), from: .downgraded, to: .obsolete),
                .init(id: DeploymentID("child-obsolete"), from: .obsolete, to: .downgraded),
            ])
    }

    @Test("a rolling version ignores lineage: only its own version on the target")
    func rolling() throws {
        let succeeded = try Fixtures.deployment("r", version: "v2")
        let others = [try Fixtures.deployment("parent", version: "v1"), try Fixtures.deployment("child", version: "v3")]
        #expect(SuccessPropagation.changes(after: succeeded, versionKind: .rolling, others: others, lineage: Self.chain).isEmpty)
    }

    @Test("lineage: ancestors and descendants nearest first, branches included, cycles stop")
    func lineage() {
        let v = (1...5).map { VersionID("v\($0)") }
        let branched = VersionLineage(parents: [v[1]: v[0], v[2]: v[1], v[3]: v[1], v[4]: v[2]])
        #expect(branched.ancestors(of: v[4]) == [v[2], v[1], v[0]])
        #expect(branched.descendants(of: v[1]) == [v[2], v[3], v[4]])
        #expect(branched.descendants(of: v[4]).isEmpty)
        #expect(branched.hasChild(v[1]) && !branched.hasChild(v[3]))
        #expect(branched.parent(of: v[0]) == nil)

        let cycle = VersionLineage(parents: [v[0]: v[1], v[1]: v[0]])
        #expect(cycle.ancestors(of: v[0]) == [v[1]])
        #expect(cycle.descendants(of: v[0]) == [v[1]])
        #expect(Self.chain.ancestors(of: VersionID("v3")) == [VersionID("v2"), VersionID("v1")])
    }
}
