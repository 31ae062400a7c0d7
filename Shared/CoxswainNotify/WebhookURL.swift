import Foundation

/// A subscription's webhook URL, checked and taken apart so that it can be sent to without
/// ever being logged whole.
///
/// Webhook URLs are credentials: Slack (`/services/T…/B…/<token>`) and Discord
/// (`/api/webhooks/<id>/<token>`) put the secret in the path, others in the query string or
/// as `user:password@`. So ``redacted`` keeps only `scheme://host[:port]`
/// (`https://hooks.slack.com/…`) — the subscription id, logged by the dispatcher, tells which
/// subscription it is — and ``scrub(_:)`` removes every secret part from a text (an error
/// description, a receiver's answer) before it is logged or stored.
package struct WebhookURL: Sendable, Equatable {
    /// Longest URL accepted.
    package static let maximumLength = 2048
    /// Ports a URL may name.
    package static let ports = 1...65_535

    /// `http` or `https`, lower-cased.
    package let scheme: String
    /// Host name or address (IPv6 without brackets).
    package let host: String
    /// Explicit port, if any.
    package let port: Int?
    /// The URL to send to: the original without its user information.
    package let requestURL: String
    /// The host exactly as AsyncHTTPClient connects to it (Foundation `URL`'s host, IPv6 without
    /// brackets): the name to resolve and check, and the key of its DNS override.
    package let connectionHost: String
    /// `Basic …` header value from the URL's `user:password@`, if it had one. **Secret.**
    package let basicAuthorization: String?
    /// `scheme://host[:port]`, followed by `/…` if the URL has a path or query: safe to log.
    package let redacted: String
    /// The URL as given and without user information, longest first, for ``scrub(_:)``.
    private let wholeURLs: [String]
    /// Parts of the URL that may be secret, longest first, for ``scrub(_:)``.
    private let secrets: [String]

    /// Parses and checks `string`; throws a reason (``WebhookURL/Invalid``) that never repeats
    /// the URL.
    package init(_ string: String) throws(Invalid) {
        guard string.utf8.count <= Self.maximumLength else {
            throw Invalid("the URL is longer than \(Self.maximumLength) characters")
        }
        guard !string.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Invalid("the URL contains spaces or control characters")
        }
        guard let components = URLComponents(string: string) else {
            throw Invalid("not a valid URL; expected http(s)://host/path")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw Invalid("only http and https URLs are accepted")
        }
        guard let encodedHost = components.percentEncodedHost, !encodedHost.isEmpty else {
            throw Invalid("the URL has no host")
        }
        guard components.percentEncodedFragment == nil else {
            throw Invalid("the URL has a fragment (#…); remove it, it is never sent")
        }
        var host = components.host ?? encodedHost
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw Invalid("the URL has no host") }
        // A port outside 1...65535 would trap in swift-nio's conversion to in_port_t, and one too
        // long for an Int parses as no port at all (and would silently go to port 80).
        if let range = components.rangeOfPort, !string[range].isEmpty {
            guard let port = components.port, Self.ports.contains(port) else {
                throw Invalid("the port must be between 1 and 65535")
            }
        }

        self.scheme = scheme
        self.host = host
        self.port = components.port

        var request = components
        request.percentEncodedUser = nil
        request.percentEncodedPassword = nil
        guard let requestURL = request.string else { throw Invalid("not a valid URL; expected http(s)://host/path") }
        self.requestURL = requestURL
        // AsyncHTTPClient takes the host and port from Foundation's URL, not URLComponents: check
        // what it will connect to.
        guard let connection = URL(string: requestURL), var connectionHost = connection.host, !connectionHost.isEmpty else {
            throw Invalid("not a valid URL; expected http(s)://host/path")
        }
        if connectionHost.hasPrefix("["), connectionHost.hasSuffix("]") { connectionHost = String(connectionHost.dropFirst().dropLast()) }
        guard connection.port.map(Self.ports.contains) ?? true else { throw Invalid("the port must be between 1 and 65535") }
        self.connectionHost = connectionHost

        if let user = components.user, !user.isEmpty || components.password != nil {
            let credentials = "\(user):\(components.password ?? "")"
            self.basicAuthorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            self.basicAuthorization = nil
        }

        let authority = "\(scheme)://\(encodedHost)" + (components.port.map { ":\($0)" } ?? "")
        let path = components.percentEncodedPath
        let hasMore = (!path.isEmpty && path != "/") || components.percentEncodedQuery != nil
        self.redacted = authority + (hasMore ? "/…" : "")
        self.wholeURLs = [string, requestURL].sorted { $0.count > $1.count }

        var secrets: [String] = []
        for part in [
            components.percentEncodedUser, components.user, components.percentEncodedPassword, components.password,
            components.percentEncodedQuery, components.query,
        ] {
            if let part, part.count >= 4 { secrets.append(part) }
        }
        // Query values one by one, for a receiver that echoes a token without its name.
        for item in (components.percentEncodedQueryItems ?? []) + (components.queryItems ?? []) {
            if let value = item.value, value.count >= 4 { secrets.append(value) }
        }
        if hasMore { secrets.append(path) }
        // Path segments one by one, for a receiver that echoes its token; short ones (`api`,
        // `hooks`) are no secrets and would mangle every message.
        for segment in path.split(separator: "/") where segment.count >= 8 {
            secrets.append(String(segment))
            if let decoded = String(segment).removingPercentEncoding { secrets.append(decoded) }
        }
        self.secrets = Array(Set(secrets)).sorted { $0.count > $1.count }
    }

    /// Returns `nil` if `string` is an acceptable webhook URL (http or https, a host, no
    /// fragment), else the reason it is not.
    package static func validate(_ string: String) -> String? {
        do {
            _ = try WebhookURL(string)
            return nil
        } catch {
            return error.reason
        }
    }

    /// `text` with the URL replaced by ``redacted`` and every other part of it that may be secret
    /// (user, password, query and its values, path and its long segments) by `…`.
    package func scrub(_ text: String) -> String {
        var text = text
        for url in wholeURLs where text.contains(url) {
            text = text.replacingOccurrences(of: url, with: redacted)
        }
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "…")
        }
        return text
    }

    /// Why a webhook URL is refused; never contains the URL.
    package struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// The reason, for the team that entered the URL.
        package let reason: String

        init(_ reason: String) { self.reason = reason }

        /// The reason.
        package var description: String { reason }
    }
}
