import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO

/// The control plane's Ed25519 signing keys. The secret half is stored sealed with the master key
/// (XChaCha20-Poly1305, bound to the key's id); exactly one key is active.
package struct ControlKeyRepository: Sendable {
    let client: PostgresClient
    let box: SecretBox
    let logger: Logger

    package init(client: PostgresClient, masterKey: SecretBox, logger: Logger) {
        self.client = client
        self.box = masterKey
        self.logger = logger
    }

    /// The active key, created on first use (several replicas racing create exactly one).
    package func activeKey() async throws -> (id: UUID, pair: SigningKeyPair) {
        if let existing = try await loadActive() { return existing }
        let pair = SigningKeyPair.generate()
        let id = UUID()
        let sealed = box.seal(pair.secretKeyBytes, associatedData: Array("control-key:\(id)".utf8))
        try await client.query(
            """
            INSERT INTO control_keys (id, public_key, secret_key_sealed, active)
            VALUES (\(id), \(pair.publicKey.base64), \(ByteBuffer(bytes: sealed)), true) ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        guard let created = try await loadActive() else { throw CryptoError.libraryFailure("no active control key after creating one") }
        return created
    }

    func loadActive() async throws -> (id: UUID, pair: SigningKeyPair)? {
        let rows = try await client.query("SELECT id, secret_key_sealed FROM control_keys WHERE active", logger: logger)
        for try await (id, sealed) in rows.decode((UUID, ByteBuffer).self) {
            let secret = try box.open(Array(sealed.readableBytesView), associatedData: Array("control-key:\(id)".utf8))
            return (id, try SigningKeyPair(secretKey: secret))
        }
        return nil
    }

    /// Public keys agents should trust: the active one first, then keys retired less than `grace` ago.
    package func trustedPublicKeys(grace: Duration = .seconds(3600)) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT public_key FROM control_keys
            WHERE active OR retired_at > clock_timestamp() - make_interval(secs => \(Double(grace.components.seconds)))
            ORDER BY active DESC, created_at DESC
            """,
            logger: logger
        )
        var out: [String] = []
        for try await key in rows.decode(String.self) { out.append(key) }
        return out
    }

    /// Step 1 of a rotation: a new key, stored but not yet used; returns it with the active one
    /// (which signs the hand-over).
    package func prepareRotation() async throws -> (current: SigningKeyPair, next: SigningKeyPair, nextID: UUID) {
        let current = try await activeKey()
        let pair = SigningKeyPair.generate()
        let id = UUID()
        let sealed = box.seal(pair.secretKeyBytes, associatedData: Array("control-key:\(id)".utf8))
        try await client.query(
            "INSERT INTO control_keys (id, public_key, secret_key_sealed, active) VALUES (\(id), \(pair.publicKey.base64), \(ByteBuffer(bytes: sealed)), false)",
            logger: logger
        )
        return (current.pair, pair, id)
    }

    /// Step 2, once every node has been sent the hand-over: the new key signs from now on.
    package func activate(_ id: UUID) async throws {
        try await client.withTransaction(logger: logger) { conn in
            try await conn.query("UPDATE control_keys SET active = false, retired_at = clock_timestamp() WHERE active", logger: logger)
            try await conn.query("UPDATE control_keys SET active = true WHERE id = \(id)", logger: logger)
        }
    }
}
