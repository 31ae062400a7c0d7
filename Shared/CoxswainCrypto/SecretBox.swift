/// Authenticated symmetric encryption with a master key: XChaCha20-Poly1305 (libsodium
/// `crypto_aead_xchacha20poly1305_ietf_*`), for secrets stored at rest such as registry
/// passwords.
///
/// Layout of a sealed value: 24-byte random nonce ‖ ciphertext ‖ 16-byte tag (40 bytes of
/// overhead). The nonce is random, so sealing the same plaintext twice gives different
/// results; 192-bit nonces make random collisions negligible for any number of messages a
/// single key will see.
///
/// Pass the row the value belongs to as associated data (for example
/// `Array("registry:\(id):password".utf8)`): it is authenticated, not stored, so a ciphertext
/// copied into another row or column no longer opens.
package struct SecretBox: Sendable {
    private let key: Sodium.SecretBytes

    /// - Throws: ``CryptoError/invalidKey(_:)`` unless `key` has 32 bytes.
    package init(key: [UInt8]) throws {
        guard key.count == Sodium.aeadKeyBytes else {
            throw CryptoError.invalidKey("a master key has \(Sodium.aeadKeyBytes) bytes, got \(key.count)")
        }
        self.key = Sodium.SecretBytes(copying: key)
    }

    /// Parses a master key given as standard base64 (whitespace and line breaks are ignored,
    /// so a key file with a trailing newline works).
    ///
    /// - Throws: ``CryptoError/invalidKey(_:)`` if it is not base64 of 32 bytes.
    package init(base64Key: String) throws {
        guard let key = Sodium.decodeBase64Secret(base64Key, variant: .standard, count: Sodium.aeadKeyBytes) else {
            throw CryptoError.invalidKey(
                "a master key must be standard base64 of \(Sodium.aeadKeyBytes) random bytes (generate one with SecretBox.generateBase64Key())")
        }
        self.key = key
    }

    /// 32 fresh random bytes for a new master key.
    package static func generateKey() -> [UInt8] {
        Sodium.randomBytes(Sodium.aeadKeyBytes)
    }

    /// A new master key as standard base64, the form ``init(base64Key:)`` reads.
    package static func generateBase64Key() -> String {
        Sodium.base64(Sodium.randomSecret(Sodium.aeadKeyBytes).array, variant: .standard)
    }

    /// A MAC of `bytes` under this key (keyed BLAKE2b, 32 bytes), separated by `context` so that
    /// a MAC made for one purpose never verifies for another. Whoever lacks the key (a database
    /// attacker) cannot make one.
    package func mac(_ bytes: [UInt8], context: String) -> [UInt8] {
        Sodium.blake2bKeyed(Array("coxswain-mac:\(context)\u{0}".utf8) + bytes, key: key)
    }

    /// Whether `tag` is the MAC of `bytes` in `context` (constant time).
    package func verifyMAC(_ tag: [UInt8], for bytes: [UInt8], context: String) -> Bool {
        Sodium.constantTimeEqual(tag, mac(bytes, context: context))
    }

    /// Encrypts and authenticates `plaintext`, binding it to `associatedData`.
    package func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) -> [UInt8] {
        Sodium.aeadSeal(plaintext, associatedData: associatedData, key: key)
    }

    /// Decrypts a value from ``seal(_:associatedData:)``; `associatedData` must be the same.
    ///
    /// - Throws: ``CryptoError/malformed(_:)`` if it is shorter than 40 bytes,
    ///   ``CryptoError/decryptionFailed`` if the key or associated data is wrong or any byte
    ///   was changed.
    package func open(_ ciphertext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let overhead = Sodium.aeadNonceBytes + Sodium.aeadTagBytes
        guard ciphertext.count >= overhead else {
            throw CryptoError.malformed("a sealed value has at least \(overhead) bytes, got \(ciphertext.count)")
        }
        guard let plaintext = Sodium.aeadOpen(ciphertext, associatedData: associatedData, key: key) else {
            throw CryptoError.decryptionFailed
        }
        return plaintext
    }
}

extension SecretBox: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `SecretBox(key: <redacted>)`.
    package var description: String {
        "SecretBox(key: <redacted>)"
    }

    package var debugDescription: String { description }

    /// No children, so `dump` and debuggers cannot reach the key.
    package var customMirror: Mirror {
        Mirror(self, children: ["key": "<redacted>"], displayStyle: .struct)
    }
}
