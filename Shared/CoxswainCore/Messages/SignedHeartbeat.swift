/// A ``NodeHeartbeat`` signed by the node's own Ed25519 key, like ``SignedTaskResult``: the
/// Scheduler records it only when the signature matches the key the node enrolled with and the
/// node named inside is the one in the routing key.
public struct SignedHeartbeat: Message {
    public static let messageType = "node.heartbeat.signed"

    public var node: NodeName
    /// Base64 of the `NodeHeartbeat` JSON.
    public var payload: String
    /// Base64 Ed25519 detached signature over the decoded payload bytes.
    public var signature: String

    public init(node: NodeName, payload: String, signature: String) {
        self.node = node
        self.payload = payload
        self.signature = signature
    }
}
