/// A `TaskResult` signed by the node's own Ed25519 key; the Scheduler checks it against the key the
/// node enrolled with and refuses a mismatch.
public struct SignedTaskResult: Message {
    public static let messageType = "task.result.signed"

    public var node: NodeName
    /// Base64 of the `TaskResult` JSON.
    public var payload: String
    /// Base64 Ed25519 detached signature over the decoded payload bytes.
    public var signature: String

    public init(node: NodeName, payload: String, signature: String) {
        self.node = node
        self.payload = payload
        self.signature = signature
    }
}
