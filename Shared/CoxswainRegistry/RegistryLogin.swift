import Foundation

/// The user and password (or token) a registry is checked and browsed with.
///
/// The password is **secret**: ``description`` and ``debugDescription`` leave it out, and no
/// ``RegistryError`` ever contains it.
public struct RegistryLogin: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Registry user (GitHub: the account; GitLab: any name for a token; Google: `_json_key` or `oauth2accesstoken`).
    public var username: String
    /// Password, personal access token or key. **Secret.**
    public var password: String

    /// A login for `username` with `password`.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `RegistryLogin(username: …, password: <hidden>)`, never the password.
    public var description: String { "RegistryLogin(username: \(username), password: <hidden>)" }

    /// The same as ``description``: the password stays hidden in `debugPrint` and string interpolation.
    public var debugDescription: String { description }

    /// The `Authorization: Basic …` value (RFC 7617: base64 of `user:password`).
    var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
