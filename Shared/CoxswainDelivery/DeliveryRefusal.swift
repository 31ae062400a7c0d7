import CoxswainCore

/// Why a delivery rule refuses something: a deployment action in the wrong status, a frozen
/// version, a second deployment on the same target, a protected target… Each description says what
/// the operator can do instead; none holds secrets.
public enum DeliveryRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The deployment's status (for its version's kind) does not allow the action.
    case notAllowed(DeploymentAction, status: DeploymentStatus, versionKind: VersionKind)
    /// A deploy request numbered other than the next try (a try is counted once; an older number
    /// is a duplicate and ignored, not refused).
    case tryOutOfOrder(expected: Int, received: Int)
    /// A rollout report for a deployment that is not in progress: late (after a timeout) or stray.
    case notInProgress(DeploymentStatus)
    /// The incremental version has been deployed or has a child: its images and configuration are frozen.
    case versionFrozen(VersionID)
    /// Only incremental versions are increased.
    case notIncremental(VersionID)
    /// The version already has a child: only the newest version of a chain is increased.
    case versionHasChild(VersionID)
    /// Another deployment of the same version already holds this target (rolling), or is already
    /// preparing there (incremental).
    case duplicateOnTarget(existing: DeploymentID, target: DeploymentTarget)
    /// A protected deployment of another product holds this target.
    case protectedTarget(by: DeploymentID, target: DeploymentTarget)
    /// A simple product has its one hidden version and no other.
    case simpleProductHasOneVersion
    /// A simple product's version is rolling.
    case simpleProductIsRolling
    /// Products only convert from simple to complex.
    case cannotConvertToSimple

    /// Whether the same request can succeed later without anyone changing it: only when it waits
    /// for a rollout in progress.
    public var isRetriable: Bool {
        if case .notAllowed(_, .inProgress, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .notAllowed(let action, let status, let kind):
            let what = "a deployment that is \(status.rawValue) (\(kind.rawValue) version) cannot be \(pastParticiple(action))"
            switch (status, action) {
            case (.inProgress, _): return "\(what): wait until its rollout finishes"
            case (.successful, _): return "\(what): increase the version and deploy the new one, or copy this deployment"
            case (.obsolete, _): return "\(what): deploy it to roll back, or copy it"
            default: return "\(what): copy it to deploy this version again"
            }
        case .tryOutOfOrder(let expected, let received):
            return "deploy request for try \(received), but the next try is \(expected): read the deployment again and resend"
        case .notInProgress(let status):
            return
                "rollout report for a deployment that is \(status.rawValue), not in progress: dropped (late or stray); the node's reconciler reports what runs"
        case .versionFrozen(let id):
            return "version \(id) is frozen (deployed, or increased): increase it to change its images or configuration"
        case .notIncremental(let id):
            return "version \(id) is rolling: only incremental versions are increased; edit it in place instead"
        case .versionHasChild(let id):
            return "version \(id) already has a child: increase the newest version of its chain"
        case .duplicateOnTarget(let existing, let target):
            return "deployment \(existing) of this version already holds \(target): edit or deploy that one, or choose another prefix"
        case .protectedTarget(let by, let target):
            return "\(target) holds protected deployment \(by) of another product: choose another prefix, or override the protection explicitly"
        case .simpleProductHasOneVersion:
            return "a simple product has exactly one version: convert it to complex to add versions"
        case .simpleProductIsRolling:
            return "a simple product's version is rolling: convert it to complex for incremental versions"
        case .cannotConvertToSimple:
            return "a complex product cannot become simple: create a simple product instead"
        }
    }
}

/// `edited`, `deployed`, `deleted`, `copied`.
private func pastParticiple(_ action: DeploymentAction) -> String {
    switch action {
    case .edit: "edited"
    case .deploy: "deployed"
    case .delete: "deleted"
    case .copy: "copied"
    }
}
