import CoxswainCore

/// What the rules need to know about a version: its kind, whether it was increased, and its deployments.
public struct VersionSummary: Codable, Sendable, Equatable {
    public var id: VersionID
    public var kind: VersionKind
    /// An incremental version with a child was increased; it is frozen and cannot be increased again.
    public var hasChild: Bool
    public var deployments: [DeploymentSummary]

    public init(id: VersionID, kind: VersionKind, hasChild: Bool = false, deployments: [DeploymentSummary] = []) {
        self.id = id
        self.kind = kind
        self.hasChild = hasChild
        self.deployments = deployments
    }
}
