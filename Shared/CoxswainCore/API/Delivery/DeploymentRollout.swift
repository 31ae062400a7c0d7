import Foundation

/// The arguments of a `DEPLOY` task (as JSON): what one node must do for one try of a deployment.
/// Built by the Gateway from the version's images and the configuration layers (or, for a
/// rollback, from the configuration frozen at the deployment's last successful try), signed with
/// the task like every other; the node trusts nothing in it beyond what the signature covers and
/// still checks every value before it reaches the engine.
public struct DeploymentRollout: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// Roll the instances out (pull, init, create beside, health, switch; restore on failure).
        case deploy
        /// Remove every container of the deployment (labelled with its id) from the node.
        case remove
    }
    public var action: Action
    public var deployment: DeploymentID
    public var tryNumber: Int
    /// The team, product and version names, written to the containers' labels.
    public var team: String
    public var product: String
    public var version: String
    public var prefix: DeploymentPrefix
    /// Whether this try redeploys a frozen configuration (for the events only).
    public var rollback: Bool
    /// In image order. Empty for `remove`.
    public var instances: [RolloutInstance]
    /// Only some of the deployment's instances (`deploy --instance`): the node leaves the others alone.
    public var partial: Bool?

    public init(
        action: Action, deployment: DeploymentID, tryNumber: Int, team: String, product: String, version: String, prefix: DeploymentPrefix,
        rollback: Bool, instances: [RolloutInstance]
    ) {
        self.action = action
        self.deployment = deployment
        self.tryNumber = tryNumber
        self.team = team
        self.product = product
        self.version = version
        self.prefix = prefix
        self.rollback = rollback
        self.instances = instances
    }
}

/// One container of a rollout: its name within the deployment (the engine's is
/// `<prefix>-<name>`), the full image reference to pull, and its effective configuration
/// (layers merged, `{{ version }}` rendered).
public struct RolloutInstance: Codable, Sendable, Equatable {
    public var name: String
    /// `host[:port]/path:tag`, or a bare reference for images already on the node.
    public var image: String
    public var config: ContainerConfig
    /// The task secret holding the registry credentials for `image` (a `RegistryAuth` as JSON), if any.
    public var registryAuthKey: String?

    public init(name: String, image: String, config: ContainerConfig, registryAuthKey: String? = nil) {
        self.name = name
        self.image = image
        self.config = config
        self.registryAuthKey = registryAuthKey
    }

    /// The task secret that holds the value of the container's secret `name` (set as its
    /// environment variable `name`).
    public static func secretKey(_ name: String) -> String { "COXSWAIN_SECRET_\(name)" }
}

/// The stdout of a `DEPLOY` task: one `DeploymentEvent` per line as JSON, as the node produced
/// them (streamed live, and recorded by the Scheduler when the task finishes). The task succeeds
/// exactly when the rollout did.
public enum DeploymentEventLines {
    /// The events in `stdout`, skipping lines that are not events (never trusted further than that).
    public static func parse(_ stdout: String) -> [DeploymentEvent] {
        let decoder = JSONDecoder()
        return stdout.split(separator: "\n").compactMap { line in
            try? decoder.decode(DeploymentEvent.self, from: Data(line.utf8))
        }
    }
}
