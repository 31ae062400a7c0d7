/// One line of a deployment's progress, as a node's rollout produces it: which step, for which
/// instance (container), and a short human message. The payload of the deployment event messages
/// and of the deployment's log; never holds secrets.
public struct DeploymentEvent: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The step an event is about.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Someone asked for this try (who, and whether it is a rollback); recorded by the Gateway.
        case requested
        /// Pulling the instance's image.
        case pull
        /// Running one of its init containers.
        case initContainer = "init"
        /// Creating and starting the new container beside the old one.
        case create
        /// Waiting for the new container's health check or expected state.
        case health
        /// Putting the new container in the old one's place (the old one is stopped and kept
        /// until the whole deployment succeeded), or stopping the old one first when both cannot run at once.
        case switchover = "switch"
        /// Undoing an instance: removing its new container and bringing back the previous one.
        case restore
        /// Removing the previous containers once every instance is in place.
        case cleanup
        /// An instance failed (with the reason), or the deployment did (after restoring).
        case failed
        /// Every instance is running in its expected state.
        case succeeded
    }

    public var kind: Kind
    /// The instance's container name within the deployment (without the prefix), or nil for the
    /// deployment as a whole.
    public var instance: String?
    public var message: String

    public init(_ kind: Kind, instance: String? = nil, _ message: String) {
        self.kind = kind
        self.instance = instance
        self.message = message
    }

    /// `switch web: message`, or `succeeded: message`.
    public var description: String {
        if let instance { return "\(kind.rawValue) \(instance): \(message)" }
        return "\(kind.rawValue): \(message)"
    }
}
