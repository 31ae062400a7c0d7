import Foundation

/// A node as listed by `GET /v1/nodes` and `coxswain manage --list-nodes`.
public struct NodeInfo: Codable, Sendable, Equatable {
    public var name: String
    public var status: NodeStatus
    public var machineID: String
    public var version: String
    public var labels: [String: String]
    public var hostUptimeSeconds: Double
    public var agentStartedAt: Date
    public var firstSeen: Date
    public var lastSeen: Date
    /// The container engine of its last heartbeat (nil: not reported yet).
    public var engine: ContainerEngineReport?

    /// Seconds the agent has been running, as of its last heartbeat.
    public var agentUptimeSeconds: Double { max(0, lastSeen.timeIntervalSince(agentStartedAt)) }

    public init(
        name: String, status: NodeStatus, machineID: String, version: String, labels: [String: String],
        hostUptimeSeconds: Double, agentStartedAt: Date, firstSeen: Date, lastSeen: Date
    ) {
        self.name = name
        self.status = status
        self.machineID = machineID
        self.version = version
        self.labels = labels
        self.hostUptimeSeconds = hostUptimeSeconds
        self.agentStartedAt = agentStartedAt
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
