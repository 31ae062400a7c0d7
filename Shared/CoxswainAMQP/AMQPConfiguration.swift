/// Where and how to connect to the AMQP 0-9-1 broker (RabbitMQ).
///
/// Build it from a URL (`amqp://user:pass@host:port/vhost`) or from its parts. The password is
/// a secret: ``description`` redacts it, and no error or log line ever contains it.
package struct AMQPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// Broker host name or IP address (IPv6 without brackets).
    package var host: String
    /// Broker TCP port. Default 5672.
    package var port: Int
    /// Virtual host. Default `/`.
    package var vhost: String
    /// User name for PLAIN authentication.
    package var user: String
    /// Password for PLAIN authentication. **Secret.**
    package var password: String
    /// Heartbeat interval negotiated at login; `.zero` disables heartbeats. Default 10 s.
    /// Connections service heartbeats every `heartbeat / 2`.
    package var heartbeat: Duration = .seconds(10)
    /// Name shown for the connection in the RabbitMQ management UI (`connection_name` client property).
    package var connectionName: String = "coxswain"
    /// First delay before reconnecting after a failure. Default 100 ms.
    package var reconnectBackoffInitial: Duration = .milliseconds(100)
    /// Upper bound of the exponential reconnect delay. Default 5 s.
    package var reconnectBackoffMax: Duration = .seconds(5)
    /// Limit for the TCP connect and the AMQP handshake/login. Default 5 s.
    package var connectTimeout: Duration = .seconds(5)
    /// Limit for one synchronous AMQP method (declare, qos, consume, close). Default 30 s.
    package var rpcTimeout: Duration = .seconds(30)
    /// After this many refused logins in a row a consumer stops and its `run()` throws the
    /// refusal (a node whose broker user was revoked must not retry forever). Nil: retry forever.
    package var loginRefusalLimit: Int?

    /// The default AMQP port.
    package static let defaultPort = 5672

    /// Creates a configuration from its parts.
    package init(host: String, port: Int = AMQPConfiguration.defaultPort, vhost: String = "/", user: String, password: String) {
        self.host = host
        self.port = port
        self.vhost = vhost
        self.user = user
        self.password = password
    }

    /// Parses `amqp://user:pass@host:port/vhost`.
    ///
    /// User, password and vhost are percent-decoded (`%2F` is `/`). An empty or missing path
    /// means vhost `/`; a missing port means 5672; missing credentials mean `guest`/`guest`.
    /// The query keys `heartbeat` (seconds), `connection_timeout` (milliseconds) and
    /// `connection_name` are honoured, others are ignored.
    ///
    /// - Throws: ``AMQPError/invalidURL(_:)`` with a reason that never contains the password.
    package init(url: String) throws {
        func invalid(_ reason: String) -> AMQPError { .invalidURL(reason) }

        guard let schemeEnd = url.range(of: "://") else { throw invalid("missing scheme, expected amqp://") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "amqp" else {
            if scheme == "amqps" { throw invalid("amqps:// (TLS) is not supported; use amqp://") }
            throw invalid("unsupported scheme '\(scheme.prefix(16))', expected amqp://")
        }
        var rest = url[schemeEnd.upperBound...]

        // Fragment and query.
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }

        // Authority and path.
        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            path = ""
        }

        // User information (split at the last '@' so an unencoded '@' in the password still works).
        var user = "guest"
        var password = "guest"
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let rawUser: Substring
            let rawPassword: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                rawUser = userInfo[..<colon]
                rawPassword = userInfo[userInfo.index(after: colon)...]
            } else {
                rawUser = userInfo
                rawPassword = nil
            }
            guard let decodedUser = PercentEncoding.decode(rawUser) else { throw invalid("invalid percent-encoding in the user name") }
            user = decodedUser
            if let rawPassword {
                guard let decodedPassword = PercentEncoding.decode(rawPassword) else {
                    throw invalid("invalid percent-encoding in the password")
                }
                password = decodedPassword
            } else {
                password = ""
            }
            guard !user.isEmpty else { throw invalid("empty user name before '@'") }
        }

        // Host and port (IPv6 literals in brackets).
        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address, missing ']'") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw invalid("unexpected characters after the IPv6 address")
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw invalid("missing host") }
        guard let decodedHost = PercentEncoding.decode(host) else { throw invalid("invalid percent-encoding in the host") }
        var port = Self.defaultPort
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let value = Int(portText), (1...65_535).contains(value) else {
                throw invalid("port must be a number from 1 to 65535")
            }
            port = value
        }

        // Virtual host: a single percent-encoded path segment.
        var vhost = "/"
        if !path.isEmpty {
            guard !path.contains("/") else { throw invalid("the vhost must be one path segment; encode '/' as %2F") }
            guard let decodedVhost = PercentEncoding.decode(path) else { throw invalid("invalid percent-encoding in the vhost") }
            vhost = decodedVhost
        }

        self.init(host: decodedHost, port: port, vhost: vhost, user: user, password: password)

        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? PercentEncoding.decode(parts[1]) : ""
            switch key {
            case "heartbeat":
                guard let text = value, let seconds = Int(text), seconds >= 0 else {
                    throw invalid("query parameter heartbeat must be a whole number of seconds")
                }
                heartbeat = .seconds(seconds)
            case "connection_timeout":
                guard let text = value, let milliseconds = Int(text), milliseconds > 0 else {
                    throw invalid("query parameter connection_timeout must be a positive number of milliseconds")
                }
                connectTimeout = .milliseconds(milliseconds)
            case "connection_name":
                guard let text = value, !text.isEmpty else { throw invalid("query parameter connection_name is empty or badly encoded") }
                connectionName = text
            default:
                continue
            }
        }
    }

    /// The configuration without its password, safe to log.
    package var description: String {
        "amqp://\(user):***@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(vhost == "/" ? "%2F" : vhost)"
    }
}
