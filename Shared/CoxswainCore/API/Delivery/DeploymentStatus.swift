/// Where a deployment stands. On the wire `in_progress` is written with an underscore.
///
/// `preparing` → `in_progress` → `successful` | `failed`. A success elsewhere on the same node and
/// prefix makes a deployment `obsolete` (same version, or an ancestor version) or `downgraded` (a
/// descendant version); see `SuccessPropagation` in CoxswainDelivery.
public enum DeploymentStatus: String, Codable, Sendable, CaseIterable {
    /// Being put together; nothing is on the node yet (or a copy waiting for its first deploy).
    case preparing
    /// A rollout is running on the node.
    case inProgress = "in_progress"
    /// Every container reached its expected state and passed its health check.
    case successful
    /// A container did not; the node restored the previous containers.
    case failed
    /// Replaced on its node and prefix by a later success of the same or a newer version.
    /// Deploying it again is a rollback.
    case obsolete
    /// Replaced on its node and prefix by a success of an older version (a rollback below it).
    case downgraded

    /// Whether `action` is allowed on a deployment in this status of a version of this kind:
    ///
    /// | status | edit | deploy | delete | copy |
    /// |---|---|---|---|---|
    /// | preparing | yes | yes | yes | yes |
    /// | in progress | no | no | no | no |
    /// | successful, rolling | yes | yes (redeploy) | yes | yes |
    /// | successful, incremental | no | no | yes | yes |
    /// | failed | yes | yes | yes | yes |
    /// | obsolete | no | yes (rollback) | yes | yes |
    /// | downgraded | no | no | yes | yes |
    public func allows(_ action: DeploymentAction, versionKind: VersionKind) -> Bool {
        switch (self, action) {
        case (.inProgress, _): false
        case (.preparing, _), (.failed, _): true
        case (.successful, .edit), (.successful, .deploy): versionKind == .rolling
        case (.successful, .delete), (.successful, .copy): true
        case (.obsolete, .edit): false
        case (.obsolete, .deploy), (.obsolete, .delete), (.obsolete, .copy): true
        case (.downgraded, .edit), (.downgraded, .deploy): false
        case (.downgraded, .delete), (.downgraded, .copy): true
        }
    }

    /// Whether a deployment in this status freezes its incremental version (no more image or
    /// configuration edits): it is on a node, or was.
    public var freezesIncrementalVersion: Bool {
        switch self {
        case .inProgress, .successful, .obsolete, .downgraded: true
        case .preparing, .failed: false
        }
    }
}
