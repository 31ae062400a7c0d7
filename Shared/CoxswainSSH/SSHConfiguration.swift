/// Settings of an SSH session (one struct for the component; every field has a default).
package struct SSHConfiguration: Sendable, Equatable {
    /// Host key algorithms the client accepts, most preferred first. libssh2 1.10 knows neither
    /// `rsa-sha2-512` nor `rsa-sha2-256`, so the session drops the names it does not support;
    /// OpenSSH 8.8+ servers refuse `ssh-rsa` host keys, so hosts need an Ed25519 or ECDSA key.
    package static let defaultHostKeyAlgorithms = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
    ]

    /// Longest time to open the TCP connection (per resolved address). Default 10 s.
    package var connectTimeout: Duration = .seconds(10)
    /// Longest time for the SSH handshake plus authentication. Default 30 s.
    package var handshakeTimeout: Duration = .seconds(30)
    /// Longest wait for the network during a command or transfer without any progress before
    /// it fails with a timeout (a stalled connection). Default 60 s.
    package var idleTimeout: Duration = .seconds(60)
    /// Host key algorithm preference (see ``defaultHostKeyAlgorithms``,
    /// ``KnownHosts/hostKeyAlgorithms(host:port:)``).
    package var hostKeyAlgorithms: [String] = Self.defaultHostKeyAlgorithms
    /// Bytes per SCP read/write step (and the largest output chunk of a command); at least
    /// 4 KiB. Default 256 KiB.
    package var chunkSize: Int = 256 * 1024

    /// The defaults.
    package init() {}
}
