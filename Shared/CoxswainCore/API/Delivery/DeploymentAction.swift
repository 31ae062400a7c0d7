/// What a user can ask of a deployment; `DeploymentStatus.allows(_:versionKind:)` says when.
public enum DeploymentAction: String, Codable, Sendable, CaseIterable {
    /// Change its note, prefix, protection, environment, secrets or instance configuration.
    case edit
    /// Start a rollout: a first deploy, a redeploy (rolling) or a rollback (obsolete).
    case deploy
    /// Remove it, and its containers from the node.
    case delete
    /// Make a new preparing deployment from it (another node or prefix, or the same).
    case copy
}
