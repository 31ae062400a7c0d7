/// What `known_hosts` says about the key a server presented (`KnownHosts.check`).
package enum HostKeyStatus: Sendable, Equatable {
    /// An entry for this host has exactly this key.
    case known
    /// No entry for this host has a key of this algorithm (the host may be new, or known only
    /// by other key types).
    case unknown
    /// The host is on record with another key of the same algorithm: it was reinstalled, or
    /// someone intercepts the connection. `expected` are the recorded keys.
    case changed(expected: [SSHHostKey])
    /// The key is listed under `@revoked` for this host: never trust it.
    case revoked
}
