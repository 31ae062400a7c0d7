import Foundation

/// A `TaskBatch` signed by the control plane's Ed25519 key. The signature covers the exact payload
/// bytes; the batch inside carries its own expiry. Agents refuse anything unsigned, wrongly signed,
/// expired, addressed to another node, or replayed.
public struct SignedTaskBatch: Message {
    public static let messageType = "task.batch.signed"

    /// Base64 of the signing public key (which trusted key to check against).
    public var keyID: String
    /// Base64 of the `TaskBatch` JSON.
    public var payload: String
    /// Base64 Ed25519 detached signature over the decoded payload bytes.
    public var signature: String

    public init(keyID: String, payload: String, signature: String) {
        self.keyID = keyID
        self.payload = payload
        self.signature = signature
    }
}
