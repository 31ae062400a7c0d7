/// Everything that can go wrong in CoxswainCrypto. Descriptions are safe to log: they never
/// contain key bytes, plaintext or passwords, and they say what the operator should check.
package enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// A key has the wrong length or encoding, or its halves do not belong together. The
    /// reason names the key kind and what was wrong, never the key.
    case invalidKey(String)
    /// A signature did not verify against the message and public key.
    case invalidSignature
    /// A ciphertext did not decrypt: wrong key, wrong associated data, or it was altered.
    case decryptionFailed
    /// Input that cannot be a valid ciphertext, hash or encoding (for example too short).
    case malformed(String)
    /// libsodium itself failed (for example it could not allocate the memory Argon2 needs).
    case libraryFailure(String)

    /// Always `false`: the same input fails the same way again. (Even ``libraryFailure(_:)``
    /// is an out-of-memory condition that the caller should surface, not retry blindly.)
    package var isRetriable: Bool {
        switch self {
        case .invalidKey, .invalidSignature, .decryptionFailed, .malformed, .libraryFailure:
            false
        }
    }

    /// A message for operators.
    package var description: String {
        switch self {
        case .invalidKey(let reason):
            "invalid key: \(reason); check that the configured key is the one Coxswain generated, complete and unmodified"
        case .invalidSignature:
            "signature verification failed: the message was altered or signed with another key"
        case .decryptionFailed:
            "decryption failed: wrong key or associated data, or the ciphertext was altered; check that the master key has not changed"
        case .malformed(let reason):
            "malformed input: \(reason)"
        case .libraryFailure(let reason):
            "libsodium failure: \(reason)"
        }
    }
}
