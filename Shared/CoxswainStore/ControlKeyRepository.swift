import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The control plane's Ed25519 signing keys. The secret half is stored sealed with the master key
/// (XChaCha20-Poly1305, bound to the key's id); exactly one key is active.
package struct ControlKeyRepository: Sendable {
    let client: PostgresClient
    let box: SecretBox
    let logger: Logger
    let cache: ActiveKeyCache

    package init(client: PostgresClient, masterKey: SecretBox, logger: Logger, cacheFor: Duration = .seconds(5)) {
        self.client = client
        self.box = masterKey
        self.logger = logger
        self.cache = ActiveKeyCache(lifetime: cacheFor)
    }

    /// The active key, created on first use (several replicas racing create exactly one). Read
    /// from Postgres at most every few seconds (dispatch is a hot path; a rotation reaches the nodes
    /// before it is activated, and they keep trusting the old key well past this delay).
    package func activeKey() async throws -> (id: UUID, pair: SigningKeyPair) {
        if let cached = cache.current() { return cached }
        let key = try await loadOrCreateActive()
        cache.store(key)
        return key
    }

    func loadOrCreateActive() async throws -> (id: UUID, pair: SigningKeyPair) {
        if let existing = try await loadActive() { return existing }
        let pair = SigningKeyPair.generate()
        let id = UUID()
        let sealed = box.seal(pair.secretKeyBytes, associatedData: Array("control-key:\(id)".utf8))
        try await client.guardedQuery(
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
        let rows = try await client.guardedQuery("SELECT id, secret_key_sealed FROM control_keys WHERE active", logger: logger)
        for try await (id, sealed) in rows.decode((UUID, ByteBuffer).self) {
            let secret = try box.open(Array(sealed.readableBytesView), associatedData: Array("control-key:\(id)".utf8))
            return (id, try SigningKeyPair(secretKey: secret))
        }
        return nil
    }

    /// Public keys agents should trust: the active one first, then keys retired less than `grace` ago.
    package func trustedPublicKeys(grace: Duration = .seconds(3600)) async throws -> [String] {
        let rows = try await client.guardedQuery(
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
        try await client.guardedQuery(
            "INSERT INTO control_keys (id, public_key, secret_key_sealed, active) VALUES (\(id), \(pair.publicKey.base64), \(ByteBuffer(bytes: sealed)), false)",
            logger: logger
        )
        return (current.pair, pair, id)
    }

    /// Step 2, once every node has been sent the hand-over: the new key signs from now on.
    package func activate(_ id: UUID) async throws {
        cache.clear()
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("UPDATE control_keys SET active = false, retired_at = clock_timestamp() WHERE active", logger: logger)
            try await conn.guardedQuery("UPDATE control_keys SET active = true WHERE id = \(id)", logger: logger)
        }
    }
}

/// The active control key, remembered for a short while.
final class ActiveKeyCache: Sendable {
    private let entry = Mutex<(key: (id: UUID, pair: SigningKeyPair), at: ContinuousClock.Instant)?>(nil)
    let lifetime: Duration

    init(lifetime: Duration) { self.lifetime = lifetime }

    func current() -> (id: UUID, pair: SigningKeyPair)? {
        entry.withLock { e in e.flatMap { ContinuousClock.now - $0.at < lifetime ? $0.key : nil } }
    }

    func store(_ key: (id: UUID, pair: SigningKeyPair)) { entry.withLock { $0 = (key, .now) } }

    func clear() { entry.withLock { $0 = nil } }
}
