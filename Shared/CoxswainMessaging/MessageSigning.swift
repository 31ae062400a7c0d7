import CoxswainCore
import CoxswainCrypto
import Foundation

/// Signing and checking of task batches (control plane → node) and results (node → control plane).
package enum MessageSigning {
    /// Why a signed message was refused (each is audited by the receiver).
    package enum Refusal: Error, CustomStringConvertible, Equatable {
        case unknownKey
        case badSignature
        case malformed(String)
        case expired
        case wrongNode(String)
        case replayed

        package var description: String {
            switch self {
            case .unknownKey: "signed with a key this receiver does not trust"
            case .badSignature: "signature does not match"
            case .malformed(let why): "malformed signed message: \(why)"
            case .expired: "expired"
            case .wrongNode(let node): "addressed to another node (\(node))"
            case .replayed: "replayed (its nonce was already processed)"
            }
        }
    }

    package static func sign(_ batch: TaskBatch, with key: SigningKeyPair) throws -> SignedTaskBatch {
        let bytes = try WireCoding.encode(batch)
        return SignedTaskBatch(
            keyID: key.publicKey.base64, payload: Data(bytes).base64EncodedString(), signature: Data(key.sign(bytes)).base64EncodedString()
        )
    }

    /// Checks signature (against any trusted key), addressee and expiry; returns the batch.
    package static func open(_ signed: SignedTaskBatch, trusted: [SigningPublicKey], node: NodeName, now: Date) throws(Refusal) -> TaskBatch {
        guard let key = trusted.first(where: { $0.base64 == signed.keyID }) else { throw .unknownKey }
        guard let payload = Data(base64Encoded: signed.payload), let signature = Data(base64Encoded: signed.signature) else {
            throw .malformed("payload or signature is not base64")
        }
        guard key.verify(Array(signature), for: Array(payload)) else { throw .badSignature }
        let batch: TaskBatch
        do { batch = try WireCoding.decode(TaskBatch.self, from: Array(payload)) } catch { throw .malformed("\(error)") }
        guard batch.node == node else { throw .wrongNode(batch.node.rawValue) }
        guard batch.expiresAt > now else { throw .expired }
        return batch
    }

    package static func sign(_ result: TaskResult, with key: SigningKeyPair) throws -> SignedTaskResult {
        let (payload, signature) = try signed(result, with: key)
        return SignedTaskResult(node: result.node, payload: payload, signature: signature)
    }

    /// Checks a node's result against the key it enrolled with.
    package static func open(_ signed: SignedTaskResult, nodeKey: SigningPublicKey?) throws(Refusal) -> TaskResult {
        let result = try verified(TaskResult.self, payload: signed.payload, signature: signed.signature, key: nodeKey)
        guard result.node == signed.node else { throw .wrongNode(result.node.rawValue) }
        return result
    }

    package static func sign(_ heartbeat: NodeHeartbeat, with key: SigningKeyPair) throws -> SignedHeartbeat {
        let (payload, signature) = try signed(heartbeat, with: key)
        return SignedHeartbeat(node: heartbeat.node, payload: payload, signature: signature)
    }

    /// Checks a node's heartbeat against the key it enrolled with, and its values' ranges.
    package static func open(_ signed: SignedHeartbeat, nodeKey: SigningPublicKey?) throws(Refusal) -> NodeHeartbeat {
        let heartbeat = try verified(NodeHeartbeat.self, payload: signed.payload, signature: signed.signature, key: nodeKey)
        guard heartbeat.node == signed.node else { throw .wrongNode(heartbeat.node.rawValue) }
        if let problem = heartbeat.rangeProblem { throw .malformed(problem) }
        return heartbeat
    }

    /// Base64 of a node message's JSON and of its detached Ed25519 signature.
    static func signed(_ message: some Encodable, with key: SigningKeyPair) throws -> (payload: String, signature: String) {
        let bytes = try WireCoding.encode(message)
        return (Data(bytes).base64EncodedString(), Data(key.sign(bytes)).base64EncodedString())
    }

    /// The payload decoded as `T` once its signature verifies under `key` (the sender node's enrolled key).
    static func verified<T: Decodable>(_: T.Type, payload: String, signature: String, key: SigningPublicKey?) throws(Refusal) -> T {
        guard let key else { throw .unknownKey }
        guard let bytes = Data(base64Encoded: payload), let signature = Data(base64Encoded: signature) else {
            throw .malformed("payload or signature is not base64")
        }
        guard key.verify(Array(signature), for: Array(bytes)) else { throw .badSignature }
        do { return try WireCoding.decode(T.self, from: Array(bytes)) } catch { throw .malformed("\(error)") }
    }
}
