/// SHA-256 (libsodium `crypto_hash_sha256`) for audit hash chains and content fingerprints.
package enum Digest {
    /// The 32-byte SHA-256 digest of `bytes`.
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Sodium.sha256(bytes)
    }

    /// Lower-case hex of the SHA-256 digest of `bytes` (64 characters).
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        Sodium.hex(Sodium.sha256(bytes))
    }

    /// Lower-case hex of the SHA-256 digest of the UTF-8 bytes of `text`.
    package static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }
}
