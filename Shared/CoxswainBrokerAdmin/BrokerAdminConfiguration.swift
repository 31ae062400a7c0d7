import CoxswainAMQP

/// Where the RabbitMQ management HTTP API is and which administrator talks to it.
///
/// Build it from the management URL (`http://user:pass@host:port`, the form of
/// `COXSWAIN_AMQP_MANAGEMENT_URL`) or from its parts. The user needs the `administrator` tag
/// to manage users and permissions. The password is a secret: ``description`` and
/// ``customMirror`` redact it, and no error or log line ever contains it.
package struct BrokerAdminConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Root of the management API without credentials and without a trailing slash:
    /// `http://host:port`, plus `management.path_prefix` if the broker has one.
    package var baseURL: String
    /// Management user (tag `administrator`).
    package var user: String
    /// Management password. **Secret.**
    package var password: String
    /// Virtual host whose permissions are managed (node users get permissions only here).
    package var vhost: String
    /// Limit for one HTTP request, connecting included. Default 10 s.
    package var requestTimeout: Duration = .seconds(10)

    /// Creates a configuration from its parts; `baseURL` is `http(s)://host:port[/prefix]`
    /// without credentials (a trailing slash is dropped).
    package init(baseURL: String, user: String, password: String, vhost: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.user = user
        self.password = password
        self.vhost = vhost
    }

    /// Parses `http://user:pass@host:port[/prefix]` (or `https://`).
    ///
    /// User and password are percent-decoded and required. A query or fragment is ignored.
    ///
    /// - Throws: ``BrokerAdminError/invalid(_:)`` with a reason that never contains the password.
    package init(managementURL: String, vhost: String) throws(BrokerAdminError) {
        func invalid(_ reason: String) -> BrokerAdminError { .invalid("invalid management URL: \(reason)") }

        guard !vhost.isEmpty else { throw .invalid("the vhost must not be empty") }
        guard let schemeEnd = managementURL.range(of: "://") else {
            throw invalid("missing scheme, expected http://user:pass@host:port")
        }
        let scheme = managementURL[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw invalid("unsupported scheme '\(scheme.prefix(16))', expected http:// or https://")
        }
        var rest = managementURL[schemeEnd.upperBound...]
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }

        // Split at the last '@' (an unencoded '@' in the password still works), then take the
        // first '/' after it as the start of the path prefix.
        guard let at = rest.lastIndex(of: "@") else {
            throw invalid("missing credentials, expected http://user:pass@host:port")
        }
        let userInfo = rest[..<at]
        let afterCredentials = rest[rest.index(after: at)...]
        let hostPort: Substring
        var prefix: Substring = ""
        if let slash = afterCredentials.firstIndex(of: "/") {
            hostPort = afterCredentials[..<slash]
            prefix = afterCredentials[slash...]
            while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        } else {
            hostPort = afterCredentials
        }
        guard let colon = userInfo.firstIndex(of: ":") else {
            throw invalid("missing password after the user name, expected http://user:pass@host:port")
        }
        guard let user = PercentEncoding.decode(userInfo[..<colon]), !user.isEmpty else {
            throw invalid("empty or badly percent-encoded user name")
        }
        guard let password = PercentEncoding.decode(userInfo[userInfo.index(after: colon)...]) else {
            throw invalid("invalid percent-encoding in the password")
        }
        guard !password.isEmpty else { throw invalid("empty password") }

        // Host and optional port; IPv6 literals stay in brackets (they go back into a URL).
        let host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address, missing ']'") }
            host = hostPort[...close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw invalid("unexpected characters after the IPv6 address")
            }
        } else if let portColon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<portColon]
            portText = hostPort[hostPort.index(after: portColon)...]
        } else {
            host = hostPort
        }
        let bracketed = host.hasPrefix("[")
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || ($0 == ":" && !bracketed) }) else {
            throw invalid("missing or malformed host")
        }
        var authority = String(host)
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65_535).contains(port) else {
                throw invalid("port must be a number from 1 to 65535")
            }
            authority += ":\(port)"
        }
        self.init(baseURL: "\(scheme)://\(authority)\(prefix)", user: user, password: password, vhost: vhost)
    }

    /// The configuration without its password, safe to log.
    package var description: String {
        let (scheme, rest) =
            baseURL.range(of: "://").map { (baseURL[..<$0.lowerBound], baseURL[$0.upperBound...]) } ?? ("http", baseURL[...])
        return "\(scheme)://\(PercentEncoding.encode(user)):***@\(rest) vhost \(vhost)"
    }

    /// Mirror without the password, so `dump()` does not print it either.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "user": user, "password": "***", "vhost": vhost, "requestTimeout": requestTimeout,
            ])
    }
}
