import Foundation

/// The web UI's cookies: all `HttpOnly`, `SameSite=Strict`, `Path=/ui`, and `Secure` when the
/// Gateway serves HTTPS. They never reach `/v1`: the API keeps its own credentials.
struct UICookies: Sendable {
    /// The session secret (the same sessions as `POST /v1/login`).
    static let session = "coxswain_ui_session"
    /// The team the pages show, for a user of several teams.
    static let team = "coxswain_ui_team"
    /// A random secret before logging in, for the login form's CSRF token.
    static let preLogin = "coxswain_ui_login"
    /// Where the cookies are sent.
    static let path = "/ui"

    /// Adds `Secure` (set when the listener serves HTTPS).
    let secure: Bool

    /// The `Set-Cookie` value for `name=value`, lasting `maxAge` seconds (nil: the browser session).
    func set(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=\(Self.path)", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// The `Set-Cookie` value that removes `name`.
    func clear(_ name: String) -> String { set(name, "", maxAge: 0) }

    /// The value of cookie `name` in a `Cookie` header (the API's parser).
    static func value(_ name: String, in header: String?) -> String? { Authenticator.cookie(name, in: header) }
}
