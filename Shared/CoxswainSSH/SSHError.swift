/// Everything that can go wrong in the SSH client. Descriptions are safe to log: they never
/// contain key material or command text, and they say what the operator should check.
package enum SSHError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The private key text is not a PEM/OpenSSH private key, or libssh2 could not read it
    /// (wrong passphrase, unsupported format). The reason never repeats the key.
    case invalidPrivateKey(reason: String)
    /// No TCP connection to `host:port` (name resolution, refused, unreachable, connect timeout).
    case connectFailed(host: String, port: Int, reason: String)
    /// The TCP connection was made but the SSH key exchange failed (no common algorithm,
    /// not an SSH server, connection dropped).
    case handshakeFailed(host: String, port: Int, reason: String)
    /// The server's host key was refused before authenticating. `expected` lists the
    /// fingerprints on record when the key changed; empty for an unknown or revoked key.
    case hostKeyRefused(host: String, port: Int, fingerprint: String, expected: [String], reason: String)
    /// The server refused the user's key. `allowedMethods` is the server's list of
    /// authentication methods for the user (for example `["publickey"]`).
    case authenticationFailed(user: String, host: String, allowedMethods: [String], reason: String)
    /// Opening a channel or starting a command failed, or the connection broke meanwhile.
    case channelFailed(reason: String)
    /// An SCP upload or download of `path` (the remote path) failed.
    case transferFailed(path: String, reason: String)
    /// `operation` did not finish within `after`. For a command, the channel was closed; the
    /// remote process may still run (SSH has no reliable kill without a pseudo-terminal).
    case timeout(operation: String, after: Duration)
    /// The session was closed (by `close()`, or after an error that left it unusable).
    case sessionClosed
    /// The calling task was cancelled; the operation was abandoned.
    case cancelled

    /// `true` if the same call may succeed later (network trouble, a busy host); `false` when an
    /// operator must change something first (keys, host keys, paths).
    package var isRetriable: Bool {
        switch self {
        case .connectFailed, .handshakeFailed, .channelFailed, .timeout, .sessionClosed:
            true
        case .invalidPrivateKey, .hostKeyRefused, .authenticationFailed, .transferFailed, .cancelled:
            false
        }
    }

    /// A message for operators.
    package var description: String {
        switch self {
        case .invalidPrivateKey(let reason):
            "the SSH private key cannot be used: \(reason); check the key text (PEM or OpenSSH format) and its passphrase"
        case .connectFailed(let host, let port, let reason):
            "cannot connect to \(Self.endpoint(host, port)): \(reason); check the address, that sshd runs and that the port is reachable"
        case .handshakeFailed(let host, let port, let reason):
            "SSH handshake with \(Self.endpoint(host, port)) failed: \(reason); check that it is an SSH server with an ed25519 or ECDSA host key"
        case .hostKeyRefused(let host, let port, let fingerprint, let expected, let reason):
            if expected.isEmpty {
                "host key of \(Self.endpoint(host, port)) refused (\(fingerprint)): \(reason); verify the fingerprint out of band before trusting it"
            } else {
                "host key of \(Self.endpoint(host, port)) refused: \(reason): got \(fingerprint), expected "
                    + "\(expected.joined(separator: " or ")); the host was reinstalled or someone intercepts the "
                    + "connection; verify before replacing the recorded key"
            }
        case .authenticationFailed(let user, let host, let allowedMethods, let reason):
            "SSH authentication as \(user)@\(host) failed: \(reason) (server allows: "
                + "\(allowedMethods.isEmpty ? "unknown" : allowedMethods.joined(separator: ","))); check that the "
                + "public key is in the user's authorized_keys and, for RSA keys, that sshd accepts ssh-rsa signatures"
        case .channelFailed(let reason):
            "SSH channel failed: \(reason)"
        case .transferFailed(let path, let reason):
            "SCP transfer of \(path) failed: \(reason); check the remote path, its directory and permissions"
        case .timeout(let operation, let after):
            "SSH \(operation) timed out after \(after)"
        case .sessionClosed:
            "the SSH session is closed; connect again"
        case .cancelled:
            "the SSH operation was cancelled"
        }
    }

    /// `host:port`, with brackets around IPv6 addresses.
    private static func endpoint(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
