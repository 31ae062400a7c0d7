import Foundation

/// Credentials for one registry, sent to the engine in the `X-Registry-Auth` header of a pull
/// or push: base64url of the JSON `{"username","password","serveraddress"}`.
///
/// The password is **secret**: ``description`` and every error leave it out.
package struct RegistryCredentials: Sendable, Equatable, CustomStringConvertible {
    /// Registry user.
    package let username: String
    /// Registry password or token. **Secret.**
    package let password: String
    /// Registry host with optional port, without a scheme (`127.0.0.1:25500`).
    package let serverAddress: String

    /// Credentials for `serverAddress`.
    package init(username: String, password: String, serverAddress: String) {
        self.username = username
        self.password = password
        self.serverAddress = serverAddress
    }

    /// The `X-Registry-Auth` header value (base64url with padding, as the Docker client sends it).
    package var headerValue: String {
        Self.encodeHeader(AuthConfig(username: username, password: password, serveraddress: serverAddress))
    }

    /// The header value for anonymous access (dockerd wants the header on every push).
    package static var anonymousHeaderValue: String { encodeHeader(AuthConfig(username: nil, password: nil, serveraddress: nil)) }

    /// `username@serverAddress`, never the password.
    package var description: String { "\(username)@\(serverAddress)" }

    private struct AuthConfig: Encodable {
        let username: String?
        let password: String?
        let serveraddress: String?
    }

    private static func encodeHeader(_ config: AuthConfig) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding three optional strings cannot fail.
        let json = (try? encoder.encode(config)) ?? Data("{}".utf8)
        return json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }
}
