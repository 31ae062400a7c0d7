/// An Ed25519 public key (32 bytes) that verifies detached signatures made by a
/// ``SigningKeyPair``. `Codable` as a standard base64 string.
package struct SigningPublicKey: Sendable, Hashable {
    /// The 32 key bytes.
    package let bytes: [UInt8]

    /// For lengths already checked by libsodium.
    init(validated bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// - Throws: ``CryptoError/invalidKey(_:)`` unless `bytes` has 32 bytes.
    package init(bytes: [UInt8]) throws {
        guard bytes.count == Sodium.signPublicKeyBytes else {
            throw CryptoError.invalidKey("an Ed25519 public key has \(Sodium.signPublicKeyBytes) bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses standard base64 (with padding; surrounding whitespace and line breaks are ignored).
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if it is not base64 or not 32 bytes.
    package init(base64: String) throws {
        guard let bytes = Sodium.decodeBase64(base64, variant: .standard) else {
            throw CryptoError.invalidKey("an Ed25519 public key must be standard base64")
        }
        try self.init(bytes: bytes)
    }

    /// Standard base64 with padding (44 characters).
    package var base64: String {
        Sodium.base64(bytes, variant: .standard)
    }

    /// `true` if `signature` is a valid detached signature of `message` by this key; `false`
    /// for any other signature, including one of the wrong length.
    package func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        Sodium.verify(signature: signature, message: message, publicKey: bytes)
    }
}

extension SigningPublicKey: Codable {
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

extension SigningPublicKey: CustomStringConvertible {
    /// The base64 key (public, safe to log).
    package var description: String {
        "SigningPublicKey(\(base64))"
    }
}
