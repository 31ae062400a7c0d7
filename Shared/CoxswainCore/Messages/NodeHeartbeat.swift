import Foundation

/// Periodic liveness report of a Deployer; the first one also registers the node.
public struct NodeHeartbeat: Message {
    public static let messageType = "node.heartbeat"

    public var node: NodeName
    public var machineID: String
    public var version: String
    public var hostUptimeSeconds: Double
    public var agentStartedAt: Date
    public var sentAt: Date
    public var labels: [String: String]
    public var intervalSeconds: Double
    /// The node's container engine, or none with the reason; nil from agents older than the report.
    public var engine: ContainerEngineReport?
    /// The containers of deployments on the node's engine (from their labels); nil without an engine
    /// or from older agents.
    public var deployments: [ObservedContainer]?

    public init(
        node: NodeName, machineID: String, version: String, hostUptimeSeconds: Double, agentStartedAt: Date,
        sentAt: Date, labels: [String: String], intervalSeconds: Double
    ) {
        self.node = node
        self.machineID = machineID
        self.version = version
        self.hostUptimeSeconds = hostUptimeSeconds
        self.agentStartedAt = agentStartedAt
        self.sentAt = sentAt
        self.labels = labels
        self.intervalSeconds = intervalSeconds
    }
}
