/// An X25519 public key (32 bytes) that seals boxes only the matching ``SealingKeyPair`` can
/// open (libsodium `crypto_box_seal`). `Codable` as a standard base64 string.
package struct SealingPublicKey: Sendable, Hashable {
    /// The 32 key bytes.
    package let bytes: [UInt8]

    /// For keys libsodium produced.
    init(validated bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// - Throws: ``CryptoError/invalidKey(_:)`` unless `bytes` has 32 bytes.
    package init(bytes: [UInt8]) throws {
        guard bytes.count == Sodium.boxPublicKeyBytes else {
            throw CryptoError.invalidKey("an X25519 public key has \(Sodium.boxPublicKeyBytes) bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses standard base64 (with padding; surrounding whitespace and line breaks are ignored).
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if it is not base64 or not 32 bytes.
    package init(base64: String) throws {
        guard let bytes = Sodium.decodeBase64(base64, variant: .standard) else {
            throw CryptoError.invalidKey("an X25519 public key must be standard base64")
        }
        try self.init(bytes: bytes)
    }

    /// Standard base64 with padding (44 characters).
    package var base64: String {
        Sodium.base64(bytes, variant: .standard)
    }

    /// Encrypts `plaintext` anonymously to this key: an ephemeral key pair is used, so the
    /// result (48 bytes longer) says nothing about the sender and differs on every call.
    package func seal(_ plaintext: [UInt8]) -> [UInt8] {
        Sodium.seal(plaintext, publicKey: bytes)
    }
}

extension SealingPublicKey: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(base64: text)
        } catch let error as CryptoError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(base64)
    }
}

extension SealingPublicKey: CustomStringConvertible {
    /// The base64 key (public, safe to log).
    package var description: String {
        "SealingPublicKey(\(base64))"
    }
}
