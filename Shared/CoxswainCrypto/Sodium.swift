import CSodium

/// The libsodium boundary: the only file of this module that calls libsodium or touches a C
/// pointer. Everything it takes and returns is `[UInt8]`, `String`, `Bool` or ``SecretBytes``.
///
/// `sodium_init()` runs exactly once, the first time any function here is used, through a
/// lazily initialised `static let` (Swift runs those under `swift_once`, so it is thread-safe).
/// libsodium itself is thread-safe after that.
enum Sodium {
    // MARK: - Initialisation

    /// Runs `sodium_init()` once. It returns 0 (initialised) or 1 (already initialised, for
    /// example by another library in the process); -1 means no usable random source, and
    /// nothing in this module can work then.
    private static let initialisation: Void = {
        guard sodium_init() >= 0 else {
            fatalError("libsodium could not be initialised (sodium_init failed): no usable random source")
        }
    }()

    /// Makes sure `sodium_init()` has run; cheap after the first call.
    static func initialise() {
        initialisation
    }

    /// The libsodium version, for diagnostics ("1.0.18").
    static var version: String {
        initialise()
        return String(cString: sodium_version_string())
    }

    // MARK: - Sizes

    static let signPublicKeyBytes = Int(crypto_sign_publickeybytes())
    static let signSecretKeyBytes = Int(crypto_sign_secretkeybytes())
    static let signSeedBytes = Int(crypto_sign_seedbytes())
    static let signatureBytes = Int(crypto_sign_bytes())
    static let boxPublicKeyBytes = Int(crypto_box_publickeybytes())
    static let boxSecretKeyBytes = Int(crypto_box_secretkeybytes())
    static let sealOverheadBytes = Int(crypto_box_sealbytes())
    static let aeadKeyBytes = Int(crypto_aead_xchacha20poly1305_ietf_keybytes())
    static let aeadNonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_npubbytes())
    static let aeadTagBytes = Int(crypto_aead_xchacha20poly1305_ietf_abytes())
    static let passwordHashStringBytes = Int(crypto_pwhash_strbytes())

    // MARK: - Secret storage

    /// Secret key material in memory this module allocates itself, so it can be wiped: it is
    /// filled once in `init`, never changed, and overwritten with `sodium_memzero` before it
    /// is freed. (A Swift `[UInt8]` cannot be wiped reliably: copy-on-write may share its
    /// buffer with arrays we do not own.)
    ///
    /// `@unchecked Sendable`: the buffer is only read after `init` and freed in `deinit`,
    /// when no other reference exists.
    final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// Always at least 1 byte, so its base address is never nil; only `count` bytes are used.
        private let buffer: UnsafeMutableRawBufferPointer

        /// Number of secret bytes.
        let count: Int

        /// Allocates `count` zeroed bytes and lets `fill` write them through a (never nil) pointer.
        init(count: Int, fill: (UnsafeMutablePointer<UInt8>) -> Void) {
            self.count = count
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
            fill(buffer.initializeMemory(as: UInt8.self, repeating: 0).baseAddress!)
        }

        /// Copies `bytes`. The caller should wipe its own copy if it can (``Sodium/wipe(_:)``).
        convenience init(copying bytes: [UInt8]) {
            self.init(count: bytes.count) { destination in
                destination.update(from: bytes, count: bytes.count)
            }
        }

        deinit {
            sodium_memzero(buffer.baseAddress!, buffer.count)
            buffer.deallocate()
        }

        /// A fresh copy as an array (the caller owns, and should wipe, it).
        var array: [UInt8] {
            withUnsafeBytes { Array($0) }
        }

        /// Read access for the functions in this file.
        fileprivate func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }

        /// Typed read access for the functions in this file.
        fileprivate func withPointer<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
            try body(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }

        /// Constant-time comparison with another secret.
        func isEqual(to other: SecretBytes) -> Bool {
            count == other.count && withPointer { a in other.withPointer { b in sodium_memcmp(a, b, count) == 0 } }
        }

        var description: String { "<redacted>" }
        var debugDescription: String { "<redacted>" }
        var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
    }

    /// Overwrites `bytes` with zeros (best effort: if the buffer is shared with another array,
    /// copy-on-write wipes a private copy instead).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } }
    }

    /// Returns `count` bytes written by `body` through a pointer that is never nil (an empty
    /// Swift buffer may have a nil base address, which libsodium's `nonnull` parameters reject).
    private static func output(_ count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 1))
        bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        if count == 0 { bytes.removeAll() }
        return bytes
    }

    // MARK: - Random

    /// `count` bytes from libsodium's CSPRNG (`getrandom(2)` on Linux).
    static func randomBytes(_ count: Int) -> [UInt8] {
        initialise()
        return output(count) { randombytes_buf($0, count) }
    }

    /// `count` random secret bytes.
    static func randomSecret(_ count: Int) -> SecretBytes {
        initialise()
        return SecretBytes(count: count) { randombytes_buf($0, count) }
    }

    // MARK: - Ed25519 (crypto_sign)

    /// A new Ed25519 key pair: the 32-byte public key and the 64-byte secret key (seed ‖ public key).
    static func signKeyPair() -> (publicKey: [UInt8], secretKey: SecretBytes) {
        initialise()
        var secretKey: SecretBytes?
        let publicKey = output(signPublicKeyBytes) { pk in
            secretKey = SecretBytes(count: signSecretKeyBytes) { sk in
                precondition(crypto_sign_keypair(pk, sk) == 0, "crypto_sign_keypair failed")
            }
        }
        return (publicKey, secretKey!)
    }

    /// The key pair that the 32-byte seed at the start of `secretKey` determines, so a stored
    /// secret key can be checked against its public half. `secretKey` must hold at least
    /// ``signSeedBytes`` bytes.
    static func signKeyPair(fromSeedOf secretKey: SecretBytes) -> (publicKey: [UInt8], secretKey: SecretBytes) {
        initialise()
        precondition(secretKey.count >= signSeedBytes, "an Ed25519 seed has \(signSeedBytes) bytes")
        var derived: SecretBytes?
        let publicKey = output(signPublicKeyBytes) { pk in
            derived = SecretBytes(count: signSecretKeyBytes) { sk in
                let rc = secretKey.withPointer { seed in crypto_sign_seed_keypair(pk, sk, seed) }
                precondition(rc == 0, "crypto_sign_seed_keypair failed")
            }
        }
        return (publicKey, derived!)
    }

    /// A detached 64-byte Ed25519 signature of `message`.
    static func sign(_ message: [UInt8], secretKey: SecretBytes) -> [UInt8] {
        initialise()
        return output(signatureBytes) { signature in
            let rc = secretKey.withPointer { sk in crypto_sign_detached(signature, nil, message, UInt64(message.count), sk) }
            precondition(rc == 0, "crypto_sign_detached failed")
        }
    }

    /// `true` if `signature` is a valid detached signature of `message` by `publicKey`.
    static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        initialise()
        guard signature.count == signatureBytes, publicKey.count == signPublicKeyBytes else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    // MARK: - X25519 sealed boxes (crypto_box_seal)

    /// A new X25519 key pair.
    static func boxKeyPair() -> (publicKey: [UInt8], secretKey: SecretBytes) {
        initialise()
        var secretKey: SecretBytes?
        let publicKey = output(boxPublicKeyBytes) { pk in
            secretKey = SecretBytes(count: boxSecretKeyBytes) { sk in
                precondition(crypto_box_keypair(pk, sk) == 0, "crypto_box_keypair failed")
            }
        }
        return (publicKey, secretKey!)
    }

    /// The X25519 public key of a 32-byte secret key.
    static func boxPublicKey(of secretKey: SecretBytes) -> [UInt8] {
        initialise()
        return output(boxPublicKeyBytes) { pk in
            let rc = secretKey.withPointer { crypto_scalarmult_base(pk, $0) }
            precondition(rc == 0, "crypto_scalarmult_base failed")
        }
    }

    /// Encrypts `plaintext` anonymously to `publicKey` (ephemeral key ‖ box, 48 bytes overhead).
    static func seal(_ plaintext: [UInt8], publicKey: [UInt8]) -> [UInt8] {
        initialise()
        return output(plaintext.count + sealOverheadBytes) { sealed in
            precondition(crypto_box_seal(sealed, plaintext, UInt64(plaintext.count), publicKey) == 0, "crypto_box_seal failed")
        }
    }

    /// Decrypts a sealed box, or `nil` if it was not sealed to this key pair or was altered.
    /// `sealed` must be at least ``sealOverheadBytes`` long.
    static func sealOpen(_ sealed: [UInt8], publicKey: [UInt8], secretKey: SecretBytes) -> [UInt8]? {
        initialise()
        let count = sealed.count - sealOverheadBytes
        guard count >= 0 else { return nil }
        var ok = false
        let plaintext = output(count) { plaintext in
            ok = secretKey.withPointer { sk in crypto_box_seal_open(plaintext, sealed, UInt64(sealed.count), publicKey, sk) == 0 }
        }
        return ok ? plaintext : nil
    }

    // MARK: - XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf)

    /// Encrypts with a fresh random nonce; returns nonce ‖ ciphertext ‖ tag.
    static func aeadSeal(_ plaintext: [UInt8], associatedData: [UInt8], key: SecretBytes) -> [UInt8] {
        initialise()
        let nonce = randomBytes(aeadNonceBytes)
        return output(aeadNonceBytes + plaintext.count + aeadTagBytes) { base in
            base.update(from: nonce, count: aeadNonceBytes)
            var written: UInt64 = 0
            let rc = key.withPointer { k in
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    base + aeadNonceBytes, &written,
                    plaintext, UInt64(plaintext.count),
                    associatedData, UInt64(associatedData.count),
                    nil, nonce, k
                )
            }
            precondition(rc == 0 && Int(written) == plaintext.count + aeadTagBytes, "crypto_aead_xchacha20poly1305_ietf_encrypt failed")
        }
    }

    /// Decrypts nonce ‖ ciphertext ‖ tag, or `nil` if the key, the associated data or any
    /// byte is wrong. `sealed` must be at least nonce + tag long.
    static func aeadOpen(_ sealed: [UInt8], associatedData: [UInt8], key: SecretBytes) -> [UInt8]? {
        initialise()
        let count = sealed.count - aeadNonceBytes - aeadTagBytes
        guard count >= 0 else { return nil }
        var ok = false
        let plaintext = output(count) { plaintext in
            var written: UInt64 = 0
            ok = sealed.withUnsafeBufferPointer { input in
                let nonce = input.baseAddress!  // non-empty: count >= 0 above
                return key.withPointer { k in
                    crypto_aead_xchacha20poly1305_ietf_decrypt(
                        plaintext, &written, nil,
                        nonce + aeadNonceBytes, UInt64(sealed.count - aeadNonceBytes),
                        associatedData, UInt64(associatedData.count),
                        nonce, k
                    ) == 0
                }
            }
            ok = ok && Int(written) == count
        }
        return ok ? plaintext : nil
    }

    // MARK: - Argon2id (crypto_pwhash_str)

    /// libsodium's cost presets, as (opslimit, memlimit).
    static var passwordLimitsInteractive: (ops: UInt64, memory: Int) {
        initialise()
        return (UInt64(crypto_pwhash_opslimit_interactive()), Int(crypto_pwhash_memlimit_interactive()))
    }

    static var passwordLimitsModerate: (ops: UInt64, memory: Int) {
        initialise()
        return (UInt64(crypto_pwhash_opslimit_moderate()), Int(crypto_pwhash_memlimit_moderate()))
    }

    /// Prefix of the strings ``passwordHash(_:ops:memory:)`` produces: "$argon2id$".
    static var argon2idPrefix: String {
        String(cString: crypto_pwhash_strprefix())
    }

    /// An encoded Argon2id hash ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash") with a random
    /// salt, or `nil` if libsodium could not allocate `memory` bytes. Blocks for as long as
    /// the cost parameters say: call it from a dedicated thread.
    static func passwordHash(_ password: String, ops: UInt64, memory: Int) -> String? {
        initialise()
        var encoded = [CChar](repeating: 0, count: passwordHashStringBytes)
        let rc = withPasswordBytes(password) { pw, length in
            encoded.withUnsafeMutableBufferPointer { crypto_pwhash_str($0.baseAddress!, pw, length, ops, memory) }
        }
        guard rc == 0 else { return nil }
        return encoded.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `true` if `password` matches the encoded hash (Argon2id or Argon2i); `false` for a
    /// wrong password or a malformed hash. Blocks like ``passwordHash(_:ops:memory:)``.
    static func passwordVerify(_ password: String, hash: String) -> Bool {
        initialise()
        guard hash.utf8.count < passwordHashStringBytes, !hash.utf8.contains(0) else { return false }
        return withPasswordBytes(password) { pw, length in
            hash.withCString { crypto_pwhash_str_verify($0, pw, length) == 0 }
        }
    }

    /// Calls `body` with a NUL-terminated copy of the password's UTF-8 bytes and their length
    /// (without the NUL), then wipes the copy. (`String.withUTF8` would avoid the copy but may
    /// hand out a nil pointer for an empty string.)
    private static func withPasswordBytes<R>(_ password: String, _ body: (UnsafePointer<CChar>, UInt64) -> R) -> R {
        var bytes = password.utf8CString
        defer { bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, $0.count) } }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, UInt64($0.count - 1)) }
    }

    /// `true` unless `hash` is a well-formed hash made with exactly these parameters.
    static func passwordNeedsRehash(_ hash: String, ops: UInt64, memory: Int) -> Bool {
        initialise()
        guard hash.utf8.count < passwordHashStringBytes, !hash.utf8.contains(0) else { return true }
        return hash.withCString { crypto_pwhash_str_needs_rehash($0, ops, memory) } != 0
    }

    // MARK: - Hashes

    /// Unkeyed BLAKE2b with an `outputBytes`-byte digest (16...64).
    static func blake2b(_ bytes: [UInt8], outputBytes: Int) -> [UInt8] {
        initialise()
        return output(outputBytes) { digest in
            precondition(crypto_generichash(digest, outputBytes, bytes, UInt64(bytes.count), nil, 0) == 0, "crypto_generichash failed")
        }
    }

    /// Keyed BLAKE2b (a MAC) with a 32-byte digest.
    static func blake2bKeyed(_ bytes: [UInt8], key: SecretBytes) -> [UInt8] {
        initialise()
        return output(32) { digest in
            key.withPointer { k in
                precondition(crypto_generichash(digest, 32, bytes, UInt64(bytes.count), k, key.count) == 0, "crypto_generichash failed")
            }
        }
    }

    /// SHA-256.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        initialise()
        return output(Int(crypto_hash_sha256_bytes())) { digest in
            precondition(crypto_hash_sha256(digest, bytes, UInt64(bytes.count)) == 0, "crypto_hash_sha256 failed")
        }
    }

    // MARK: - Comparison and encodings

    /// Constant-time equality (for equal lengths; the length itself is not hidden).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        initialise()
        guard a.count == b.count else { return false }
        return sodium_memcmp(a, b, a.count) == 0
    }

    /// Lower-case hex (`sodium_bin2hex`, constant-time).
    static func hex(_ bytes: [UInt8]) -> String {
        initialise()
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        output.withUnsafeMutableBufferPointer { out in
            _ = sodium_bin2hex(out.baseAddress!, out.count, bytes, bytes.count)
        }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Base64 alphabets libsodium knows.
    enum Base64Variant {
        /// RFC 4648 §4, with `=` padding.
        case standard
        /// RFC 4648 §5 (`-` and `_`), no padding: safe in URLs and headers.
        case urlSafeNoPadding

        fileprivate var sodiumValue: Int32 {
            switch self {
            case .standard: sodium_base64_VARIANT_ORIGINAL
            case .urlSafeNoPadding: sodium_base64_VARIANT_URLSAFE_NO_PADDING
            }
        }
    }

    /// Base64 text of `bytes` (`sodium_bin2base64`, constant-time).
    static func base64(_ bytes: [UInt8], variant: Base64Variant) -> String {
        initialise()
        let length = sodium_base64_encoded_len(bytes.count, variant.sodiumValue)
        var output = [CChar](repeating: 0, count: length)
        output.withUnsafeMutableBufferPointer { out in
            _ = sodium_bin2base64(out.baseAddress!, out.count, bytes, bytes.count, variant.sodiumValue)
        }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The bytes of base64 `text` (`sodium_base642bin`, constant-time), ignoring spaces, tabs
    /// and line breaks; `nil` unless the whole text is valid in `variant`.
    static func decodeBase64(_ text: String, variant: Base64Variant) -> [UInt8]? {
        initialise()
        let utf8 = text.utf8CString  // NUL-terminated, so never empty
        var decoded = [UInt8](repeating: 0, count: utf8.count / 4 * 3 + 3)
        var length = 0
        let rc = decoded.withUnsafeMutableBufferPointer { out in
            utf8.withUnsafeBufferPointer { b64 in
                sodium_base642bin(out.baseAddress!, out.count, b64.baseAddress!, b64.count - 1, " \t\r\n", &length, nil, variant.sodiumValue)
            }
        }
        guard rc == 0 else {
            wipe(&decoded)
            return nil
        }
        let result = Array(decoded[0..<length])
        wipe(&decoded)
        return result
    }

    /// Decodes base64 straight into secret storage, wiping the intermediate buffer; `nil` unless
    /// the text is valid and decodes to exactly `count` bytes.
    static func decodeBase64Secret(_ text: String, variant: Base64Variant, count: Int) -> SecretBytes? {
        guard var decoded = decodeBase64(text, variant: variant) else { return nil }
        defer { wipe(&decoded) }
        guard decoded.count == count else { return nil }
        return SecretBytes(copying: decoded)
    }

    // MARK: - Incremental SHA-256

    /// `crypto_hash_sha256_init/update/final` over chunks.
    struct SHA256Stream: ~Copyable {
        private var state = crypto_hash_sha256_state()

        init() {
            Sodium.initialise()
            crypto_hash_sha256_init(&state)
        }

        mutating func update(_ bytes: some Collection<UInt8>) {
            let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                _ = crypto_hash_sha256_update(&state, buffer.baseAddress, UInt64(buffer.count))
            }
            if done == nil {
                let copy = Array(bytes)
                _ = crypto_hash_sha256_update(&state, copy, UInt64(copy.count))
            }
        }

        consuming func finish() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
            _ = crypto_hash_sha256_final(&state, &digest)
            return digest
        }
    }
}
