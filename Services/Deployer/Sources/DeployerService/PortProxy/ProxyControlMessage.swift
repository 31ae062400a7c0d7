/// One request on the port proxy's control socket (`proxy/control.sock`, 0600): one JSON line.
package struct ProxyCommand: Codable, Sendable, Equatable {
    package enum Operation: String, Codable, Sendable {
        /// Answers with the proxy's pid.
        case ping
        /// Reads `routes.json` again: opens new listening addresses, closes dropped ones, points
        /// new connections at the new upstreams; answers once that is in effect.
        case reload
        /// Answers when no connection to `upstreamPort` is open any more, or after `timeoutMilliseconds`.
        case drain
    }
    package var operation: Operation
    package var upstreamPort: UInt16?
    package var timeoutMilliseconds: Int?

    package init(_ operation: Operation, upstreamPort: UInt16? = nil, timeoutMilliseconds: Int? = nil) {
        self.operation = operation
        self.upstreamPort = upstreamPort
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// The port proxy's answer to a `ProxyCommand`: one JSON line.
package struct ProxyReply: Codable, Sendable, Equatable {
    package var ok: Bool
    package var pid: Int32?
    /// After a reload: the listening addresses it could not open, with the reason.
    package var failures: [String: String]?
    /// After a drain: connections to the upstream still open (0 when drained).
    package var open: Int?
    /// Why a command was refused.
    package var error: String?

    package init(ok: Bool, pid: Int32? = nil, failures: [String: String]? = nil, open: Int? = nil, error: String? = nil) {
        self.ok = ok
        self.pid = pid
        self.failures = failures
        self.open = open
        self.error = error
    }
}
