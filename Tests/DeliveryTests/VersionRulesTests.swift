import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// Increasing, freezing, one deployment per target, protection, products.
@Suite("Version rules")
struct VersionRulesTests {
    @Test("an incremental version freezes with a deployment in progress, successful, obsolete or downgraded", arguments: DeploymentStatus.allCases)
    func freezing(status: DeploymentStatus) throws {
        let deployed = [try Fixtures.deployment("d", version: "v1", status: status), try Fixtures.deployment("p", version: "v1", status: .preparing)]
        let incremental = VersionSummary(id: VersionID("v1"), kind: .incremental, deployments: deployed)
        let frozen = [DeploymentStatus.inProgress, .successful, .obsolete, .downgraded].contains(status)
        #expect(VersionRules.isFrozen(incremental) == frozen)
        #expect(VersionRules.editRefusal(incremental) == (frozen ? .versionFrozen(VersionID("v1")) : nil))
        #expect(!VersionRules.isFrozen(VersionSummary(id: VersionID("r"), kind: .rolling, deployments: deployed)))
    }

    @Test("an incremental version freezes once it has a child, even undeployed; a rolling one never")
    func freezingByChild() {
        #expect(VersionRules.isFrozen(VersionSummary(id: VersionID("v1"), kind: .incremental, hasChild: true)))
        #expect(!VersionRules.isFrozen(VersionSummary(id: VersionID("v1"), kind: .incremental)))
        #expect(!VersionRules.isFrozen(VersionSummary(id: VersionID("r"), kind: .rolling, hasChild: true)))
    }

    @Test("only an incremental version without a child is increased")
    func canIncrease() throws {
        #expect(VersionRules.canIncrease(VersionSummary(id: VersionID("v1"), kind: .incremental)))
        #expect(VersionRules.increaseRefusal(VersionSummary(id: VersionID("v1"), kind: .incremental, hasChild: true)) == .versionHasChild(VersionID("v1")))
        #expect(VersionRules.increaseRefusal(VersionSummary(id: VersionID("r"), kind: .rolling)) == .notIncremental(VersionID("r")))
        #expect(throws: DeliveryRefusal.notIncremental(VersionID("r"))) { try VersionRules.increasePlan(VersionSummary(id: VersionID("r"), kind: .rolling)) }
        // Deployed (frozen) versions are the ones increased.
        let deployed = VersionSummary(id: VersionID("v1"), kind: .incremental, deployments: [try Fixtures.deployment("d", version: "v1")])
        #expect(VersionRules.canIncrease(deployed))
    }

    @Test("increase copies successful, preparing and failed deployments, one per target, the best first; or none when told")
    func increasePlan() throws {
        let deployments = [
            try Fixtures.deployment("a-failed", version: "v1", prefix: "a", status: .failed),
            try Fixtures.deployment("a-success", version: "v1", prefix: "a", status: .successful),
            try Fixtures.deployment("b-preparing", version: "v1", prefix: "b", status: .preparing),
            try Fixtures.deployment("b-failed", version: "v1", prefix: "b", status: .failed),
            try Fixtures.deployment("c-running", version: "v1", prefix: "c", status: .inProgress),
            try Fixtures.deployment("d-obsolete", version: "v1", prefix: "d", status: .obsolete),
            try Fixtures.deployment("e-downgraded", version: "v1", prefix: "e", status: .downgraded),
            try Fixtures.deployment("f-failed", version: "v1", on: "n2", prefix: "a", status: .failed),
            try Fixtures.deployment("g-preparing-1", version: "v1", prefix: "g", status: .preparing),
            try Fixtures.deployment("g-preparing-2", version: "v1", prefix: "g", status: .preparing),
        ]
        let version = VersionSummary(id: VersionID("v1"), kind: .incremental, deployments: deployments)
        let plan = try VersionRules.increasePlan(version)
        #expect(plan.parent == VersionID("v1"))
        #expect(plan.deploymentsToCopy == ["a-success", "b-preparing", "f-failed", "g-preparing-1"].map(DeploymentID.init))
        #expect(IncreasePlan.copiedStatus == .preparing)
        #expect(try VersionRules.increasePlan(version, copyingDeployments: false) == IncreasePlan(parent: VersionID("v1"), deploymentsToCopy: []))
    }

    @Test("rolling: one deployment per node, version and prefix, whatever its status", arguments: DeploymentStatus.allCases)
    func rollingUniqueness(status: DeploymentStatus) throws {
        let existing = [try Fixtures.deployment("old", version: "r", status: status)]
        let candidate = try Fixtures.deployment("new", version: "r", status: .preparing)
        #expect(
            VersionRules.uniquenessRefusal(candidate, versionKind: .rolling, existing: existing)
                == .duplicateOnTarget(existing: DeploymentID("old"), target: try Fixtures.target("n1", "a")))
        for elsewhere in [
            try Fixtures.deployment("new", version: "r", prefix: "b", status: .preparing),
            try Fixtures.deployment("new", version: "r", on: "n2", status: .preparing),
            try Fixtures.deployment("new", version: "other", status: .preparing), try Fixtures.deployment("old", version: "r", status: .preparing),
        ] {
            #expect(VersionRules.uniquenessRefusal(elsewhere, versionKind: .rolling, existing: existing) == nil, "\(elsewhere)")
        }
    }

    @Test("incremental: at most one preparing per node, version and prefix", arguments: DeploymentStatus.allCases)
    func incrementalUniqueness(status: DeploymentStatus) throws {
        let existing = [try Fixtures.deployment("old", version: "v1", status: status)]
        let candidate = try Fixtures.deployment("new", version: "v1", status: .preparing)
        let refusal = VersionRules.uniquenessRefusal(candidate, versionKind: .incremental, existing: existing)
        #expect(refusal == (status == .preparing ? .duplicateOnTarget(existing: DeploymentID("old"), target: try Fixtures.target("n1", "a")) : nil))
        // A failed one moved onto the target next to a preparing one is no second preparing.
        let moved = try Fixtures.deployment("new", version: "v1", status: .failed)
        #expect(VersionRules.uniquenessRefusal(moved, versionKind: .incremental, existing: existing) == nil)
    }

    @Test("a protected deployment of another product refuses deploys onto its target unless overridden")
    func protection() throws {
        let guardian = try Fixtures.deployment("prod", version: "x1", status: .successful, product: "billing", protected: true)
        let candidate = try Fixtures.deployment("mine", version: "v1", status: .preparing)
        let refusal = DeliveryRefusal.protectedTarget(by: DeploymentID("prod"), target: try Fixtures.target("n1", "a"))
        #expect(VersionRules.protectionRefusal(candidate, existing: [guardian], overridingProtection: false) == refusal)
        #expect(refusal.description.contains("override the protection explicitly"))
        #expect(VersionRules.protectionRefusal(candidate, existing: [guardian], overridingProtection: true) == nil)

        var unprotected = guardian
        unprotected.isProtected = false
        #expect(VersionRules.protectionRefusal(candidate, existing: [unprotected], overridingProtection: false) == nil)
        let sameProduct = try Fixtures.deployment("prod", version: "v0", status: .successful, protected: true)
        #expect(VersionRules.protectionRefusal(candidate, existing: [sameProduct], overridingProtection: false) == nil)
        let elsewhere = try Fixtures.deployment("prod", version: "x1", prefix: "b", product: "billing", protected: true)
        #expect(VersionRules.protectionRefusal(candidate, existing: [elsewhere], overridingProtection: false) == nil)
    }

    @Test("products: simple has one rolling version and converts to complex, never back")
    func products() throws {
        #expect(ProductRules.newVersionRefusal(productKind: .simple, existingVersions: 0, kind: .rolling) == nil)
        #expect(ProductRules.newVersionRefusal(productKind: .simple, existingVersions: 0, kind: .incremental) == .simpleProductIsRolling)
        #expect(ProductRules.newVersionRefusal(productKind: .simple, existingVersions: 1, kind: .rolling) == .simpleProductHasOneVersion)
        #expect(ProductRules.newVersionRefusal(productKind: .complex, existingVersions: 7, kind: .incremental) == nil)
        #expect(try ProductRules.conversion(from: .simple, to: .complex))
        #expect(try !ProductRules.conversion(from: .complex, to: .complex))
        #expect(try !ProductRules.conversion(from: .simple, to: .simple))
        #expect(throws: DeliveryRefusal.cannotConvertToSimple) { try ProductRules.conversion(from: .complex, to: .simple) }
    }
}
