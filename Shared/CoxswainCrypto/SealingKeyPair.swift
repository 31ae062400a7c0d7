/// An X25519 key pair for anonymous sealed boxes (libsodium `crypto_box_seal_open`): anyone
/// with the ``SealingPublicKey`` can encrypt to it; only this key pair can decrypt.
///
/// The 32-byte secret key is kept in memory that is wiped when the last copy of the key pair
/// goes away, and it never appears in `description`, `debugDescription` or a `Mirror`.
package struct SealingKeyPair: Sendable {
    /// The public half, safe to share and to log.
    package let publicKey: SealingPublicKey
    private let secretKey: Sodium.SecretBytes

    private init(publicKey: SealingPublicKey, secretKey: Sodium.SecretBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A new random key pair.
    package static func generate() -> SealingKeyPair {
        let (publicBytes, secret) = Sodium.boxKeyPair()
        return SealingKeyPair(publicKey: SealingPublicKey(validated: publicBytes), secretKey: secret)
    }

    /// Restores a key pair from its 32-byte secret key; the public key is derived from it.
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if the length is wrong.
    package init(secretKey bytes: [UInt8]) throws {
        guard bytes.count == Sodium.boxSecretKeyBytes else {
            throw CryptoError.invalidKey("an X25519 secret key has \(Sodium.boxSecretKeyBytes) bytes, got \(bytes.count)")
        }
        let secret = Sodium.SecretBytes(copying: bytes)
        self.init(publicKey: SealingPublicKey(validated: Sodium.boxPublicKey(of: secret)), secretKey: secret)
    }

    /// A copy of the 32-byte secret key, for storing it (encrypted) somewhere. The caller owns
    /// the copy; avoid keeping it around.
    package var secretKeyBytes: [UInt8] {
        secretKey.array
    }

    /// Decrypts a box sealed to ``publicKey``.
    ///
    /// - Throws: ``CryptoError/malformed(_:)`` if it is shorter than the 48-byte overhead,
    ///   ``CryptoError/decryptionFailed`` if it was sealed to another key or altered.
    package func open(_ sealed: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= Sodium.sealOverheadBytes else {
            throw CryptoError.malformed("a sealed box has at least \(Sodium.sealOverheadBytes) bytes, got \(sealed.count)")
        }
        guard let plaintext = Sodium.sealOpen(sealed, publicKey: publicKey.bytes, secretKey: secretKey) else {
            throw CryptoError.decryptionFailed
        }
        return plaintext
    }
}

extension SealingKeyPair: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The public key and `<redacted>` for the secret key.
    package var description: String {
        "SealingKeyPair(publicKey: \(publicKey.base64), secretKey: <redacted>)"
    }

    package var debugDescription: String { description }

    /// Only the public key, so `dump` and debuggers cannot reach the secret.
    package var customMirror: Mirror {
        Mirror(self, children: ["publicKey": publicKey, "secretKey": "<redacted>"], displayStyle: .struct)
    }
}
