import CoxswainCore

/// The lifecycle of one deployment: `preparing` → `in_progress` → `successful` | `failed`, later
/// `obsolete` or `downgraded` when something else succeeds on its node and prefix. The Scheduler's
/// deployment coordinator feeds it what happens and records what it says; nothing else changes a
/// deployment's status.
///
/// Node reports arrive at least once: a duplicate of what is already recorded is answered `.none`,
/// a report for a deployment that is no longer in progress (a late one, after a timeout) is refused.
/// Each deploy is a numbered try, counted once: a deploy request with a number already used is a
/// duplicate, one that skips a number is refused.
public struct DeploymentStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// A user (or the API) asked for try number `tryNumber`: a first deploy, a redeploy or a rollback.
        case deployRequested(tryNumber: Int)
        /// The node began the rollout.
        case started
        /// One instance's new container is in place.
        case instanceSucceeded(instance: String)
        /// One instance failed and the node restored every instance it had replaced: the rollout is over.
        case instanceFailed(instance: String, reason: String)
        /// Every instance reached its expected state and passed its health check.
        case allSucceeded
        /// The node did not finish the rollout in time.
        case nodeTimedOut
        /// A user asked to delete the deployment.
        case deleted
        /// Another deployment of the same version succeeded on the same node and prefix.
        case supersededOnSameTarget
        /// A deployment of a newer version of the same chain succeeded on the same node and prefix.
        case descendantSucceeded
        /// A deployment of an older version of the same chain succeeded on the same node and prefix.
        case ancestorSucceeded
    }

    public enum Action: Sendable, Equatable {
        /// Record `in_progress` and this try, and send the rollout to the node. A rollback deploys the
        /// configuration frozen at the deployment's last deploy, not one layered again.
        case dispatch(tryNumber: Int, rollback: Bool)
        /// Record the report in the deployment's events; the status stays.
        case recordProgress
        /// Record `successful`, then apply `SuccessPropagation` to the other deployments on the target.
        case succeed
        /// Record `failed` with the reason (the instance that failed, when one did).
        case fail(instance: String?, reason: String)
        /// Record this status (`obsolete` or `downgraded`); nothing changes on the node.
        case mark(DeploymentStatus)
        /// Delete the deployment and remove its containers from the node.
        case remove
        /// Nothing to do: a duplicate, or an event that does not concern this deployment.
        case none
        /// Refuse the event, for this reason.
        case refuse(DeliveryRefusal)
    }

    public private(set) var status: DeploymentStatus
    public let versionKind: VersionKind
    /// Deploy tries so far.
    public private(set) var tries: Int

    public init(status: DeploymentStatus = .preparing, versionKind: VersionKind, tries: Int = 0) {
        self.status = status
        self.versionKind = versionKind
        self.tries = max(0, tries)
    }

    /// Why a user's action is refused in the current status, or nil when it is allowed
    /// (`DeploymentStatus.allows(_:versionKind:)`).
    public func refusal(for action: DeploymentAction) -> DeliveryRefusal? {
        status.allows(action, versionKind: versionKind) ? nil : .notAllowed(action, status: status, versionKind: versionKind)
    }

    /// Applies an event and says what to record and do.
    public mutating func received(_ event: Event) -> Action {
        switch event {
        case .deployRequested(let tryNumber):
            let next = tries < Int.max ? tries + 1 : tries
            guard tryNumber >= 1 else { return .refuse(.tryOutOfOrder(expected: next, received: tryNumber)) }
            if tryNumber <= tries { return .none }
            if let refusal = refusal(for: .deploy) { return .refuse(refusal) }
            guard tryNumber == next else { return .refuse(.tryOutOfOrder(expected: next, received: tryNumber)) }
            let rollback = status == .obsolete
            status = .inProgress
            tries = tryNumber
            return .dispatch(tryNumber: tryNumber, rollback: rollback)

        case .started, .instanceSucceeded:
            return status == .inProgress ? .recordProgress : .refuse(.notInProgress(status))

        case .instanceFailed(let instance, let reason):
            return finish(as: .failed, action: .fail(instance: instance, reason: reason))
        case .nodeTimedOut:
            return finish(as: .failed, action: .fail(instance: nil, reason: "the node did not finish the rollout in time"))
        case .allSucceeded:
            return finish(as: .successful, action: .succeed)

        case .deleted:
            if let refusal = refusal(for: .delete) { return .refuse(refusal) }
            return .remove

        case .supersededOnSameTarget, .descendantSucceeded:
            return replaced(by: .obsolete)
        case .ancestorSucceeded:
            return replaced(by: .downgraded)
        }
    }

    /// Ends a rollout in progress; a repeat of the recorded outcome is a duplicate.
    private mutating func finish(as outcome: DeploymentStatus, action: Action) -> Action {
        if status == outcome { return .none }
        guard status == .inProgress else { return .refuse(.notInProgress(status)) }
        status = outcome
        return action
    }

    /// Something else succeeded on this target: a deployment that is (or was) on the node is
    /// replaced. One still preparing never touched the node, and one in progress ends on its own.
    private mutating func replaced(by next: DeploymentStatus) -> Action {
        switch status {
        case .preparing, .inProgress: return .none
        case .successful, .failed, .obsolete, .downgraded:
            if status == next { return .none }
            status = next
            return .mark(next)
        }
    }
}
