/// The configuration of one container, as an image in a version, a deployment or an instance sets
/// it. Every field is optional so that the same type is a layer: a nil field leaves the value of the
/// layer below (see `ConfigLayer`; CoxswainDelivery's `ConfigLayering` merges them).
///
/// Values are checked with `problems(at:)` before they are stored; nothing here trusts them.
public struct ContainerConfig: Codable, Sendable, Equatable {
    /// The container's name within the deployment, an RFC 1123 label; the engine's name is
    /// `<prefix>-<name>`.
    public var name: String?
    /// Environment variables. Values may use `{{ version }}`, replaced with the version's name.
    public var environment: [String: String]?
    /// Names of the secrets the container needs, as environment variables; their values are set per
    /// deployment, sealed to the node, and never part of a configuration.
    public var secrets: [String]?
    public var ports: [Port]?
    public var portRanges: [PortRange]?
    public var volumes: [Volume]?
    /// Networks to join (created on the node when missing).
    public var networks: [String]?
    public var networkMode: NetworkMode?
    public var restartPolicy: RestartPolicy?
    public var labels: [String: String]?
    /// Replaces the image's entrypoint.
    public var command: [String]?
    /// Replaces the image's default arguments (its `CMD`).
    public var args: [String]?
    /// `user`, `user:group`, `uid` or `uid:gid`.
    public var user: String?
    public var workingDirectory: String?
    public var tty: Bool?
    public var log: LogConfig?
    /// Memory limit in bytes.
    public var memoryBytes: Int?
    /// CPU limit in billionths of a CPU (1_500_000_000 = one and a half CPUs).
    public var nanoCPUs: Int?
    public var healthCheck: HealthCheck?
    /// What counts as a good start; by default running (and healthy, with a health check) within
    /// 120 s.
    public var expectedState: ExpectedState?
    /// Run in order before the container is created; each must exit 0.
    public var initContainers: [InitContainer]?
    public var capabilities: Capabilities?

    public init(
        name: String? = nil, environment: [String: String]? = nil, secrets: [String]? = nil, ports: [Port]? = nil, portRanges: [PortRange]? = nil,
        volumes: [Volume]? = nil, networks: [String]? = nil, networkMode: NetworkMode? = nil, restartPolicy: RestartPolicy? = nil,
        labels: [String: String]? = nil, command: [String]? = nil, args: [String]? = nil, user: String? = nil, workingDirectory: String? = nil,
        tty: Bool? = nil, log: LogConfig? = nil, memoryBytes: Int? = nil, nanoCPUs: Int? = nil, healthCheck: HealthCheck? = nil,
        expectedState: ExpectedState? = nil, initContainers: [InitContainer]? = nil, capabilities: Capabilities? = nil
    ) {
        self.name = name
        self.environment = environment
        self.secrets = secrets
        self.ports = ports
        self.portRanges = portRanges
        self.volumes = volumes
        self.networks = networks
        self.networkMode = networkMode
        self.restartPolicy = restartPolicy
        self.labels = labels
        self.command = command
        self.args = args
        self.user = user
        self.workingDirectory = workingDirectory
        self.tty = tty
        self.log = log
        self.memoryBytes = memoryBytes
        self.nanoCPUs = nanoCPUs
        self.healthCheck = healthCheck
        self.expectedState = expectedState
        self.initContainers = initContainers
        self.capabilities = capabilities
    }
}
