import CoxswainCore

/// What a success does to the other deployments on the same node and prefix:
///
/// - the same version's other deployments there become `obsolete`;
/// - for an incremental version, deployments there of its ancestors become `obsolete` and those of
///   its descendants `downgraded` (a rollback below them).
///
/// Deployments elsewhere (another node, or another prefix on the same node) are not touched, nor
/// are ones still preparing or in progress (see `DeploymentStateMachine`).
public enum SuccessPropagation {
    /// One status to record.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public var id: DeploymentID
        public var from: DeploymentStatus
        public var to: DeploymentStatus

        public init(id: DeploymentID, from: DeploymentStatus, to: DeploymentStatus) {
            self.id = id
            self.from = from
            self.to = to
        }

        public var description: String { "\(id): \(from.rawValue) → \(to.rawValue)" }
    }

    /// The status changes that follow from `succeeded`'s success, in the order of `others` (which may
    /// include `succeeded` itself; it is skipped). `versionKind` is the kind of `succeeded`'s version;
    /// `lineage` holds the product's parent → child links.
    public static func changes(
        after succeeded: DeploymentSummary, versionKind: VersionKind, others: [DeploymentSummary], lineage: VersionLineage
    ) -> [Change] {
        let ancestors = versionKind == .incremental ? Set(lineage.ancestors(of: succeeded.versionID)) : []
        let descendants = versionKind == .incremental ? Set(lineage.descendants(of: succeeded.versionID)) : []
        var changes: [Change] = []
        for other in others where other.id != succeeded.id && other.target == succeeded.target {
            let event: DeploymentStateMachine.Event
            if other.versionID == succeeded.versionID {
                event = .supersededOnSameTarget
            } else if ancestors.contains(other.versionID) {
                event = .descendantSucceeded
            } else if descendants.contains(other.versionID) {
                event = .ancestorSucceeded
            } else {
                continue
            }
            var machine = DeploymentStateMachine(status: other.status, versionKind: versionKind)
            if case .mark(let next) = machine.received(event) { changes.append(Change(id: other.id, from: other.status, to: next)) }
        }
        return changes
    }
}
