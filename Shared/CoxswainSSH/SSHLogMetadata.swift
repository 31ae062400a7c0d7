/// Logger metadata keys of the SSH client, in one place.
package enum SSHLogMetadata {
    /// The target host.
    package static let host = "ssh.host"
    /// The target port.
    package static let port = "ssh.port"
    /// The remote user.
    package static let user = "ssh.user"
    /// The server's host key fingerprint (`SHA256:…`).
    package static let fingerprint = "ssh.host_key.fingerprint"
    /// The server's host key algorithm.
    package static let hostKeyAlgorithm = "ssh.host_key.algorithm"
    /// A remote path of a transfer.
    package static let remotePath = "ssh.remote_path"
    /// Bytes transferred.
    package static let bytes = "ssh.bytes"
    /// Elapsed milliseconds.
    package static let milliseconds = "ssh.ms"
    /// A command's exit status.
    package static let exitStatus = "ssh.exit_status"
    /// An error description.
    package static let error = "ssh.error"
}
