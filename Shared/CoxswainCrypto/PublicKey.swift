/// The algorithm of a ``PublicKey``: how many bytes its keys have and what to call it in errors.
package protocol PublicKeyAlgorithm: Sendable {
    /// The key length in bytes.
    static var keyBytes: Int { get }
    /// The algorithm's name, e.g. `Ed25519`.
    static var name: String { get }
    /// The Swift type name shown in descriptions (`SigningPublicKey`).
    static var typeName: String { get }
}

/// Ed25519: keys that verify detached signatures made by a ``SigningKeyPair``.
package enum Ed25519: PublicKeyAlgorithm {
    package static var keyBytes: Int { Sodium.signPublicKeyBytes }
    package static let name = "Ed25519"
    package static let typeName = "SigningPublicKey"
}

/// X25519: keys that seal boxes only the matching ``SealingKeyPair`` can open (libsodium `crypto_box_seal`).
package enum X25519: PublicKeyAlgorithm {
    package static var keyBytes: Int { Sodium.boxPublicKeyBytes }
    package static let name = "X25519"
    package static let typeName = "SealingPublicKey"
}

/// A public key (32 bytes) of one algorithm. `Codable` as a standard base64 string.
package struct PublicKey<Algorithm: PublicKeyAlgorithm>: Sendable, Hashable {
    /// The key bytes.
    package let bytes: [UInt8]

    /// For keys libsodium produced (lengths already right).
    init(validated bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// - Throws: ``CryptoError/invalidKey(_:)`` unless `bytes` has the algorithm's key length.
    package init(bytes: [UInt8]) throws {
        guard bytes.count == Algorithm.keyBytes else {
            throw CryptoError.invalidKey("an \(Algorithm.name) public key has \(Algorithm.keyBytes) bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses standard base64 (with padding; surrounding whitespace and line breaks are ignored).
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if it is not base64 or not the right length.
    package init(base64: String) throws {
        guard let bytes = Sodium.decodeBase64(base64, variant: .standard) else {
            throw CryptoError.invalidKey("an \(Algorithm.name) public key must be standard base64")
        }
        try self.init(bytes: bytes)
    }

    /// Standard base64 with padding (44 characters).
    package var base64: String {
        Sodium.base64(bytes, variant: .standard)
    }
}

/// An Ed25519 public key that verifies detached signatures made by a ``SigningKeyPair``.
package typealias SigningPublicKey = PublicKey<Ed25519>

/// An X25519 public key that seals boxes only the matching ``SealingKeyPair`` can open.
package typealias SealingPublicKey = PublicKey<X25519>

extension PublicKey where Algorithm == Ed25519 {
    /// `true` if `signature` is a valid detached signature of `message` by this key; `false`
    /// for any other signature, including one of the wrong length.
    package func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        Sodium.verify(signature: signature, message: message, publicKey: bytes)
    }
}

extension PublicKey where Algorithm == X25519 {
    /// Encrypts `plaintext` anonymously to this key: an ephemeral key pair is used, so the
    /// result (48 bytes longer) says nothing about the sender and differs on every call.
    package func seal(_ plaintext: [UInt8]) -> [UInt8] {
        Sodium.seal(plaintext, publicKey: bytes)
    }
}

extension PublicKey: Codable {
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

extension PublicKey: CustomStringConvertible {
    /// The base64 key (public, safe to log).
    package var description: String {
        "\(Algorithm.typeName)(\(base64))"
    }
}
