import Foundation

/// A deployment as the API shows it: never secret values, only their names.
public struct DeploymentInfo: Codable, Sendable, Equatable {
    public var id: DeploymentID
    public var product: String
    public var version: String
    public var versionKind: VersionKind
    public var node: String
    public var prefix: String
    public var note: String?
    public var protected: Bool
    public var status: DeploymentStatus
    /// How many times it was deployed.
    public var tries: Int
    /// The job that carries (or carried) the latest try.
    public var lastJob: JobID?
    public var config: ContainerConfig?
    public var instances: [String: ContainerConfig]?
    public var secretNames: [String]
    public var createdAt: Date
    public var updatedAt: Date
    /// With `?effective=true`: each instance's merged configuration and where each value came from.
    public var effective: [String: EffectiveConfig]?
    /// One deployment (`GET /v1/deployments/{id}`): its containers as the node last reported them.
    public var observed: [ObservedContainer]?
    /// Where what runs differs from what the status says (a successful deployment whose container
    /// stopped or is gone): one line per instance; empty when they agree.
    public var drift: [String]?

    public init(
        id: DeploymentID, product: String, version: String, versionKind: VersionKind, node: String, prefix: String, note: String?, protected: Bool,
        status: DeploymentStatus, tries: Int, lastJob: JobID?, config: ContainerConfig?, instances: [String: ContainerConfig]?, secretNames: [String],
        createdAt: Date, updatedAt: Date, effective: [String: EffectiveConfig]? = nil
    ) {
        self.id = id
        self.product = product
        self.version = version
        self.versionKind = versionKind
        self.node = node
        self.prefix = prefix
        self.note = note
        self.protected = protected
        self.status = status
        self.tries = tries
        self.lastJob = lastJob
        self.config = config
        self.instances = instances
        self.secretNames = secretNames
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.effective = effective
    }
}

/// One recorded event of a deployment's try (`GET /v1/deployments/{id}/events`).
public struct DeploymentEventRecord: Codable, Sendable, Equatable {
    public var tryNumber: Int
    public var time: Date
    public var event: DeploymentEvent

    public init(tryNumber: Int, time: Date, event: DeploymentEvent) {
        self.tryNumber = tryNumber
        self.time = time
        self.event = event
    }
}
