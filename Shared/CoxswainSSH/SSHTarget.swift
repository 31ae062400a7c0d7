/// Where to connect and as whom: a host name or IPv4/IPv6 address, a port and a user name.
package struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    /// A host name, an IPv4 address or an IPv6 address (without brackets).
    package var host: String
    /// The TCP port of sshd.
    package var port: Int
    /// The remote user to authenticate as.
    package var username: String

    /// A target; `port` defaults to 22.
    package init(host: String, port: Int = 22, username: String) {
        self.host = host
        self.port = port
        self.username = username
    }

    /// `user@host:port` (IPv6 addresses in brackets).
    package var description: String {
        host.contains(":") ? "\(username)@[\(host)]:\(port)" : "\(username)@\(host):\(port)"
    }
}
