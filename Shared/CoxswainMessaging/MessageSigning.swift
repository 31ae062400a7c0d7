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
        let bytes = try WireCoding.encode(result)
        return SignedTaskResult(node: result.node, payload: Data(bytes).base64EncodedString(), signature: Data(key.sign(bytes)).base64EncodedString())
    }

    /// Checks a node's result against the key it enrolled with.
    package static func open(_ signed: SignedTaskResult, nodeKey: SigningPublicKey?) throws(Refusal) -> TaskResult {
        guard let nodeKey else { throw .unknownKey }
        guard let payload = Data(base64Encoded: signed.payload), let signature = Data(base64Encoded: signed.signature) else {
            throw .malformed("payload or signature is not base64")
        }
        guard nodeKey.verify(Array(signature), for: Array(payload)) else { throw .badSignature }
        let result: TaskResult
        do { result = try WireCoding.decode(TaskResult.self, from: Array(payload)) } catch { throw .malformed("\(error)") }
        guard result.node == signed.node else { throw .wrongNode(result.node.rawValue) }
        return result
    }

    package static func sign(_ heartbeat: NodeHeartbeat, with key: SigningKeyPair) throws -> SignedHeartbeat {
        let bytes = try WireCoding.encode(heartbeat)
        return SignedHeartbeat(node: heartbeat.node, payload: Data(bytes).base64EncodedString(), signature: Data(key.sign(bytes)).base64EncodedString())
    }

    /// Checks a node's heartbeat against the key it enrolled with, and its values' ranges.
    package static func open(_ signed: SignedHeartbeat, nodeKey: SigningPublicKey?) throws(Refusal) -> NodeHeartbeat {
        guard let nodeKey else { throw .unknownKey }
        guard let payload = Data(base64Encoded: signed.payload), let signature = Data(base64Encoded: signed.signature) else {
            throw .malformed("payload or signature is not base64")
        }
        guard nodeKey.verify(Array(signature), for: Array(payload)) else { throw .badSignature }
        let heartbeat: NodeHeartbeat
        do { heartbeat = try WireCoding.decode(NodeHeartbeat.self, from: Array(payload)) } catch { throw .malformed("\(error)") }
        guard heartbeat.node == signed.node else { throw .wrongNode(heartbeat.node.rawValue) }
        if let problem = heartbeat.rangeProblem { throw .malformed(problem) }
        return heartbeat
    }
}
