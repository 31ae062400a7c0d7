/// A private key for public-key authentication, held in memory only: PEM (`BEGIN RSA/EC
/// PRIVATE KEY`, PKCS#8 `BEGIN PRIVATE KEY`/`BEGIN ENCRYPTED PRIVATE KEY`) or OpenSSH format
/// (`BEGIN OPENSSH PRIVATE KEY`), Ed25519, ECDSA or RSA, optionally passphrase-protected.
///
/// The key is handed to `libssh2_userauth_publickey_frommemory`; it is never written to disk.
/// `description`, `debugDescription` and reflection (`dump`) show the format only.
///
/// RSA keys sign with SHA-1 (`ssh-rsa`) in libssh2 1.10, which OpenSSH 8.8+ refuses unless the
/// server sets `PubkeyAcceptedAlgorithms +ssh-rsa`: prefer Ed25519 keys.
package struct SSHPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key's container format, read from its `-----BEGIN … -----` line.
    package enum Format: String, Sendable {
        /// `-----BEGIN OPENSSH PRIVATE KEY-----` (ssh-keygen's default since OpenSSH 7.8).
        case openSSH = "OPENSSH PRIVATE KEY"
        /// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1).
        case rsa = "RSA PRIVATE KEY"
        /// `-----BEGIN EC PRIVATE KEY-----` (SEC 1).
        case ec = "EC PRIVATE KEY"
        /// `-----BEGIN PRIVATE KEY-----` (PKCS#8).
        case pkcs8 = "PRIVATE KEY"
        /// `-----BEGIN ENCRYPTED PRIVATE KEY-----` (encrypted PKCS#8).
        case encryptedPKCS8 = "ENCRYPTED PRIVATE KEY"
    }

    /// The key text as UTF-8 bytes.
    let pem: [UInt8]
    /// The passphrase, if the key is encrypted.
    let passphrase: String?
    /// The container format.
    package let format: Format

    /// Wraps key text, checking only that it looks like a supported private key; whether it
    /// decrypts and parses is known when authenticating.
    package init(pem: String, passphrase: String? = nil) throws(SSHError) {
        guard let begin = pem.range(of: "-----BEGIN ") else {
            throw .invalidPrivateKey(reason: "no '-----BEGIN ... PRIVATE KEY-----' line")
        }
        let label = pem[begin.upperBound...].prefix { $0 != "-" }
        guard let format = Format(rawValue: String(label)) else {
            throw .invalidPrivateKey(reason: "unsupported key type '\(label)'")
        }
        guard pem.contains("-----END \(label)-----") else {
            throw .invalidPrivateKey(reason: "missing '-----END \(label)-----' line (truncated key?)")
        }
        self.pem = Array(pem.utf8)
        self.passphrase = passphrase
        self.format = format
    }

    /// `SSHPrivateKey(<format>, redacted)`.
    package var description: String {
        "SSHPrivateKey(\(format.rawValue)\(passphrase == nil ? "" : ", with passphrase"), redacted)"
    }

    /// Same as `description`.
    package var debugDescription: String { description }

    /// Shows the format only, so `dump(key)` does not print the key.
    package var customMirror: Mirror {
        Mirror(self, children: ["format": format.rawValue, "key": "redacted"])
    }
}
