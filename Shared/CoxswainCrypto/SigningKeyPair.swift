/// An Ed25519 key pair (libsodium `crypto_sign_*`) for detached signatures, for example of
/// job plans or agent messages.
///
/// The 64-byte secret key (seed ‖ public key) is kept in memory that is wiped when the last
/// copy of the key pair goes away, and it never appears in `description`, `debugDescription`
/// or a `Mirror`.
package struct SigningKeyPair: Sendable {
    /// The public half, safe to share and to log.
    package let publicKey: SigningPublicKey
    private let secretKey: Sodium.SecretBytes

    private init(publicKey: SigningPublicKey, secretKey: Sodium.SecretBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A new random key pair.
    package static func generate() -> SigningKeyPair {
        let (publicBytes, secret) = Sodium.signKeyPair()
        return SigningKeyPair(publicKey: SigningPublicKey(validated: publicBytes), secretKey: secret)
    }

    /// Restores a key pair from its 64-byte secret key (as returned by ``secretKeyBytes``).
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if the length is wrong or the public half
    ///   stored in the secret key does not match its seed (a corrupted or spliced key).
    package init(secretKey bytes: [UInt8]) throws {
        guard bytes.count == Sodium.signSecretKeyBytes else {
            throw CryptoError.invalidKey("an Ed25519 secret key has \(Sodium.signSecretKeyBytes) bytes, got \(bytes.count)")
        }
        let given = Sodium.SecretBytes(copying: bytes)
        let (publicBytes, derived) = Sodium.signKeyPair(fromSeedOf: given)
        guard derived.isEqual(to: given) else {
            throw CryptoError.invalidKey("the public half of the Ed25519 secret key does not match its seed")
        }
        self.init(publicKey: SigningPublicKey(validated: publicBytes), secretKey: given)
    }

    /// A copy of the 64-byte secret key, for storing it (encrypted) somewhere. The caller owns
    /// the copy; avoid keeping it around.
    package var secretKeyBytes: [UInt8] {
        secretKey.array
    }

    /// The detached 64-byte signature of `message`.
    package func sign(_ message: [UInt8]) -> [UInt8] {
        Sodium.sign(message, secretKey: secretKey)
    }
}

extension SigningKeyPair: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The public key and `<redacted>` for the secret key.
    package var description: String {
        "SigningKeyPair(publicKey: \(publicKey.base64), secretKey: <redacted>)"
    }

    package var debugDescription: String { description }

    /// Only the public key, so `dump` and debuggers cannot reach the secret.
    package var customMirror: Mirror {
        Mirror(self, children: ["publicKey": publicKey, "secretKey": "<redacted>"], displayStyle: .struct)
    }
}
