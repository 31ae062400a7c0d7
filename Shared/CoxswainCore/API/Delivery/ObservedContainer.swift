import Foundation

/// A container of a deployment as its node last saw it (reported with every heartbeat, from the
/// containers' labels): what actually runs, whatever the database believes.
public struct ObservedContainer: Codable, Sendable, Equatable {
    public var deployment: String
    /// The instance (image name) it belongs to.
    public var instance: String
    /// The engine's name (`<prefix>-<name>`, or `….next` / `….previous` during a rollout).
    public var container: String
    /// `running`, `exited`, `created`, `paused`…
    public var state: String
    public var image: String?
    /// When the node reported it (set by the store).
    public var seenAt: Date?

    public init(deployment: String, instance: String, container: String, state: String, image: String? = nil, seenAt: Date? = nil) {
        self.deployment = deployment
        self.instance = instance
        self.container = container
        self.state = state
        self.image = image
        self.seenAt = seenAt
    }

    /// At most this many per heartbeat; a node reporting more is cut (the rest are not trusted).
    public static let maximumPerHeartbeat = 1000

    /// Whether its strings fit what the store keeps (a node reports it; it is untrusted).
    public var isWithinBounds: Bool {
        UUID(uuidString: deployment) != nil && [instance, container, state, image ?? ""].allSatisfy { $0.utf8.count <= 256 }
    }
}
