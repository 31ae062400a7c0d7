import CoxswainCore

/// The rules of versions and of deployments among each other: increasing, freezing, one deployment
/// per target, protection.
public enum VersionRules {
    /// The statuses whose deployments an increase copies (as new preparing ones), best first: the
    /// one that runs, then one being prepared, then one that failed.
    public static let copiedStatuses: [DeploymentStatus] = [.successful, .preparing, .failed]

    /// Whether `version` can be increased: it is incremental and has no child yet.
    public static func canIncrease(_ version: VersionSummary) -> Bool { increaseRefusal(version) == nil }

    /// Why `version` cannot be increased, or nil.
    public static func increaseRefusal(_ version: VersionSummary) -> DeliveryRefusal? {
        if version.kind != .incremental { return .notIncremental(version.id) }
        if version.hasChild { return .versionHasChild(version.id) }
        return nil
    }

    /// Whether the images and configurations of `version` are frozen: an incremental version with a
    /// child, or with a deployment in progress, successful, obsolete or downgraded. Rolling versions
    /// never freeze.
    public static func isFrozen(_ version: VersionSummary) -> Bool {
        version.kind == .incremental && (version.hasChild || version.deployments.contains { $0.status.freezesIncrementalVersion })
    }

    /// Why the images and configurations of `version` cannot be edited, or nil.
    public static func editRefusal(_ version: VersionSummary) -> DeliveryRefusal? {
        isFrozen(version) ? .versionFrozen(version.id) : nil
    }

    /// How to increase `version`. Unless `copyingDeployments` is false, its successful, preparing and
    /// failed deployments are copied as preparing ones; at most one per node and prefix (the child may
    /// have only one preparing deployment there): the successful one, else the preparing one, else
    /// the failed one, the first given among equals (callers list newest first).
    public static func increasePlan(_ version: VersionSummary, copyingDeployments: Bool = true) throws(DeliveryRefusal) -> IncreasePlan {
        if let refusal = increaseRefusal(version) { throw refusal }
        guard copyingDeployments else { return IncreasePlan(parent: version.id, deploymentsToCopy: []) }
        var chosen: [DeploymentTarget: (rank: Int, index: Int)] = [:]
        for (index, deployment) in version.deployments.enumerated() {
            guard let rank = copiedStatuses.firstIndex(of: deployment.status) else { continue }
            if let best = chosen[deployment.target], best.rank <= rank { continue }
            chosen[deployment.target] = (rank, index)
        }
        let copied = chosen.values.map(\.index).sorted().map { version.deployments[$0].id }
        return IncreasePlan(parent: version.id, deploymentsToCopy: copied)
    }

    /// Why `candidate` (being created, copied, or edited onto another target) cannot be a deployment
    /// of its version alongside `existing`, or nil. Rolling: one deployment per node, version and
    /// prefix, whatever its status. Incremental: at most one preparing per node, version and prefix.
    public static func uniquenessRefusal(_ candidate: DeploymentSummary, versionKind: VersionKind, existing: [DeploymentSummary]) -> DeliveryRefusal? {
        if versionKind == .incremental, candidate.status != .preparing { return nil }
        let clash = existing.first { other in
            other.id != candidate.id && other.versionID == candidate.versionID && other.target == candidate.target
                && (versionKind == .rolling || other.status == .preparing)
        }
        return clash.map { .duplicateOnTarget(existing: $0.id, target: candidate.target) }
    }

    /// Why deploying `candidate` is refused by a protected deployment of another product on its node
    /// and prefix (in any status), or nil; `overridingProtection` lets the deploy through.
    public static func protectionRefusal(_ candidate: DeploymentSummary, existing: [DeploymentSummary], overridingProtection: Bool) -> DeliveryRefusal? {
        guard !overridingProtection else { return nil }
        let guardian = existing.first { other in
            other.isProtected && other.id != candidate.id && other.productID != candidate.productID && other.target == candidate.target
        }
        return guardian.map { .protectedTarget(by: $0.id, target: candidate.target) }
    }
}
