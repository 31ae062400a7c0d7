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

/// An incremental SHA-256, for content too large to hold at once (artifacts).
package struct SHA256Hasher: ~Copyable {
    private var stream = Sodium.SHA256Stream()

    package init() {}

    package mutating func update(_ bytes: some Collection<UInt8>) {
        stream.update(bytes)
    }

    /// Lower-case hex of the digest of everything given to ``update(_:)``.
    package consuming func finalizeHex() -> String {
        Sodium.hex(stream.finish())
    }
}
