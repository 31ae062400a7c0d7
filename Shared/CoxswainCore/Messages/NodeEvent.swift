import Foundation

/// A change of a node's liveness, published by the Scheduler.
public struct NodeEvent: Message {
    public static let messageType = "node.event"

    public enum Kind: String, Codable, Sendable {
        case online
        case offline
    }

    public var kind: Kind
    public var node: NodeName
    public var teamID: TeamID?
    public var time: Date
    public var lastSeen: Date?

    public init(kind: Kind, node: NodeName, time: Date, lastSeen: Date?) {
        self.kind = kind
        self.node = node
        self.time = time
        self.lastSeen = lastSeen
    }
}
