import CoxswainCore

/// What the rules need to know about a deployment: who it belongs to, where it is and how it stands.
public struct DeploymentSummary: Codable, Sendable, Equatable {
    public var id: DeploymentID
    public var productID: ProductID
    public var versionID: VersionID
    public var target: DeploymentTarget
    public var status: DeploymentStatus
    /// Refuses deploys of other products onto its target unless they override it.
    public var isProtected: Bool

    public init(id: DeploymentID, productID: ProductID, versionID: VersionID, target: DeploymentTarget, status: DeploymentStatus, isProtected: Bool = false) {
        self.id = id
        self.productID = productID
        self.versionID = versionID
        self.target = target
        self.status = status
        self.isProtected = isProtected
    }
}
