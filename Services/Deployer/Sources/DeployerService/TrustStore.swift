import CoxswainCore
import CoxswainCrypto
import Foundation
import Synchronization

/// The node's mutable security state: the control-plane keys it trusts (a retiring key until its
/// deadline) and its own current signing key. Changes are persisted to the state directory.
package final class TrustStore: Sendable {
    private struct State {
        var trusted: [String: Date?]  // base64 key -> valid until (nil = no end)
        var signing: SigningKeyPair
        var sealing: SealingKeyPair
        var credentials: EnrolResponse
        /// Key pairs made by REKEY, switched to once its result (signed with the old key) is out.
        var staged: (signing: SigningKeyPair, sealing: SealingKeyPair)?
    }

    private let state: Mutex<State>
    let directory: String

    package init(identity: NodeIdentity, credentials: EnrolResponse, directory: String) {
        var trusted: [String: Date?] = [:]
        for key in credentials.controlPlaneKeys { trusted[key] = .some(nil) }
        for (key, until) in credentials.retiringKeys ?? [:] { trusted[key] = until }
        state = Mutex(State(trusted: trusted, signing: identity.signing, sealing: identity.sealing, credentials: credentials))
        self.directory = directory
    }

    /// Keys valid now.
    package func trustedKeys(now: Date = Date()) -> [SigningPublicKey] {
        state.withLock { s in
            s.trusted.compactMap { key, until in (until.map { $0 > now } ?? true) ? try? SigningPublicKey(base64: key) : nil }
        }
    }

    package var signingKey: SigningKeyPair { state.withLock { $0.signing } }

    /// Applies a hand-over signed by a key trusted now; persists it.
    package func apply(_ handover: KeyHandover, now: Date = Date()) throws(MessageRefusal) {
        guard let previous = trustedKeys(now: now).first(where: { $0.base64 == handover.previousKey }) else { throw .unknownKey }
        guard let signature = Data(base64Encoded: handover.signature) else { throw .malformed }
        let text = KeyHandover.signedText(newKey: handover.newKey, previousValidUntil: handover.previousValidUntil, issuedAt: handover.issuedAt)
        guard previous.verify(Array(signature), for: Array(text.utf8)) else { throw .badSignature }
        guard (try? SigningPublicKey(base64: handover.newKey)) != nil else { throw .malformed }
        let credentials = state.withLock { s -> EnrolResponse in
            s.trusted[handover.newKey] = .some(nil)
            s.trusted[handover.previousKey] = .some(handover.previousValidUntil)
            s.credentials.controlPlaneKeys = s.trusted.filter { $0.value == nil }.map(\.key)
            s.credentials.retiringKeys = Dictionary(uniqueKeysWithValues: s.trusted.compactMap { k, v in v.map { (k, $0) } })
            return s.credentials
        }
        try? NodeIdentity.saveCredentials(credentials, directory: directory)
    }

    /// Replaces the node's key pairs (REKEY): persists and stages them and returns them; the agent
    /// switches to them after the REKEY result is published (`activateStagedKeys`).
    package func rekey() throws -> (signing: SigningKeyPair, sealing: SealingKeyPair) {
        let signing = SigningKeyPair.generate()
        let sealing = SealingKeyPair.generate()
        try NodeIdentity.saveKeys(signing: signing, sealing: sealing, directory: directory)
        state.withLock { $0.staged = (signing, sealing) }
        return (signing, sealing)
    }

    /// Switches to the key pairs REKEY staged, if any; returns the new signing key.
    package func activateStagedKeys() -> SigningKeyPair? {
        state.withLock { s -> SigningKeyPair? in
            guard let staged = s.staged else { return nil }
            s.signing = staged.signing
            s.sealing = staged.sealing
            s.staged = nil
            return staged.signing
        }
    }

    /// Opens a secret sealed to this node (tries the current key).
    package func open(sealed: [UInt8]) throws -> [UInt8] {
        try state.withLock { $0.sealing }.open(sealed)
    }

    /// Why a control message was refused.
    package enum MessageRefusal: Error, CustomStringConvertible {
        case unknownKey, badSignature, malformed
        package var description: String {
            switch self {
            case .unknownKey: "key hand-over signed by a key this node does not trust"
            case .badSignature: "key hand-over signature does not match"
            case .malformed: "malformed key hand-over"
            }
        }
    }
}
