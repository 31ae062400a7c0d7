import CoxswainCore

/// What increasing an incremental version makes: a child that copies every image of `parent` with
/// its configuration, in order, and a new `preparing` deployment (no tries yet; same node, prefix,
/// note, protection and configuration) for each deployment listed.
public struct IncreasePlan: Sendable, Equatable {
    public var parent: VersionID
    /// The parent's deployments to copy into the child, in the order given.
    public var deploymentsToCopy: [DeploymentID]

    public init(parent: VersionID, deploymentsToCopy: [DeploymentID]) {
        self.parent = parent
        self.deploymentsToCopy = deploymentsToCopy
    }

    /// The status of every copied deployment.
    public static let copiedStatus = DeploymentStatus.preparing
}
