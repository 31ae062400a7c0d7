/// Random bearer tokens (API tokens, agent enrolment tokens) and the hashes stored in their place.
///
/// A token is a prefix plus 32 random bytes in base64url without padding (43 characters), for
/// example `cxt_3q2+...`. Only ``hash(_:)`` of a token is stored; a presented token is hashed
/// and looked up. Tokens carry 256 bits of entropy, so a plain BLAKE2b hash is enough: no
/// salt or slow KDF is needed (unlike passwords, see ``PasswordHasher``).
package enum Tokens {
    /// The prefix Coxswain API tokens use; it makes leaked tokens easy to recognise in logs
    /// and secret scanners.
    package static let defaultPrefix = "cxt_"

    /// Number of random bytes in a token.
    package static let randomBytes = 32

    /// A new token: `prefix` followed by 32 random bytes in base64url without padding.
    package static func generate(prefix: String = defaultPrefix) -> String {
        prefix + Sodium.base64(Sodium.randomBytes(randomBytes), variant: .urlSafeNoPadding)
    }

    /// The storage hash of a token: lower-case hex of BLAKE2b-256 of its UTF-8 bytes
    /// (64 characters). Stable across processes and versions.
    package static func hash(_ token: String) -> String {
        Sodium.hex(Sodium.blake2b(Array(token.utf8), outputBytes: 32))
    }

    /// Constant-time equality of two byte strings (`sodium_memcmp`); different lengths are
    /// unequal (the length is not hidden).
    package static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        Sodium.constantTimeEqual(a, b)
    }

    /// Constant-time equality of two strings' UTF-8 bytes, for example two token hashes.
    package static func equal(_ a: String, _ b: String) -> Bool {
        Sodium.constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }
}
