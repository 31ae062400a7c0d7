import Foundation

/// `POST /v1/deployments` (create, preparing) and `PUT /v1/deployments/{id}` (update; absent
/// fields stay). `config` is the deployment layer, `instances` the instance layer per container
/// name; `secrets` are values for the secrets the images declare, sealed at rest and sealed again
/// to the node at each deploy, never returned.
public struct DeploymentRequest: Codable, Sendable, Equatable {
    public var product: String?
    /// The version's name; the product's default version when absent.
    public var version: String?
    public var node: String?
    public var prefix: String?
    public var note: String?
    public var protected: Bool?
    public var config: ContainerConfig?
    public var instances: [String: ContainerConfig]?
    /// **Secret values.** Never logged, never returned.
    public var secrets: [String: String]?

    public init(
        product: String? = nil, version: String? = nil, node: String? = nil, prefix: String? = nil, note: String? = nil, protected: Bool? = nil,
        config: ContainerConfig? = nil, instances: [String: ContainerConfig]? = nil, secrets: [String: String]? = nil
    ) {
        self.product = product
        self.version = version
        self.node = node
        self.prefix = prefix
        self.note = note
        self.protected = protected
        self.config = config
        self.instances = instances
        self.secrets = secrets
    }
}

/// `POST /v1/deployments/{id}/deploy`: deploy (or redeploy, or roll back an obsolete one).
public struct DeployRequest: Codable, Sendable, Equatable {
    /// Deploy only these instances (container names); all when absent.
    public var instances: [String]?
    /// Deploy even though a protected deployment of another product holds the node and prefix (audited).
    public var overrideProtection: Bool?
    /// How long the node may take, in seconds (default 600).
    public var timeoutSeconds: Double?

    public init(instances: [String]? = nil, overrideProtection: Bool? = nil, timeoutSeconds: Double? = nil) {
        self.instances = instances
        self.overrideProtection = overrideProtection
        self.timeoutSeconds = timeoutSeconds
    }
}

/// `POST /v1/deployments/{id}/copy`: a preparing copy on another node and/or prefix. Secrets are
/// carried only to the same node (they are sealed per node).
public struct CopyDeploymentRequest: Codable, Sendable, Equatable {
    public var node: String?
    public var prefix: String?

    public init(node: String? = nil, prefix: String? = nil) {
        self.node = node
        self.prefix = prefix
    }
}

/// What a deploy started: the try and the job that carries it to the node.
public struct DeployResponse: Codable, Sendable, Equatable {
    public var deploymentID: DeploymentID
    public var jobID: JobID
    public var tryNumber: Int
    /// Whether this try redeploys the frozen configuration of an obsolete deployment.
    public var rollback: Bool

    public init(deploymentID: DeploymentID, jobID: JobID, tryNumber: Int, rollback: Bool) {
        self.deploymentID = deploymentID
        self.jobID = jobID
        self.tryNumber = tryNumber
        self.rollback = rollback
    }
}

/// A copy's answer: the new deployment, and a warning when secrets were not carried.
public struct CopyDeploymentResponse: Codable, Sendable, Equatable {
    public var deployment: DeploymentInfo
    public var warning: String?

    public init(deployment: DeploymentInfo, warning: String?) {
        self.deployment = deployment
        self.warning = warning
    }
}
