import CoxswainCrypto

/// Cross-site request forgery tokens for the web UI's forms.
///
/// A token is derived from a secret the browser holds only in an `HttpOnly` cookie (the session
/// secret; before logging in, a random pre-login secret): another site can neither read the
/// cookie nor the page, so it cannot know the token. Derived, not stored: every Gateway replica
/// checks it, and it lasts exactly as long as the session. Compared in constant time.
enum UICSRF {
    /// The name of the hidden form field that carries the token.
    static let field = "csrf"

    /// The token for forms of the session (or pre-login secret) `secret`.
    static func token(for secret: String) -> String {
        Tokens.hash("coxswain-ui-csrf\u{0}" + secret)
    }

    /// Whether `submitted` is the token for `secret` (constant time; a missing token never is).
    static func isValid(_ submitted: String?, for secret: String) -> Bool {
        guard let submitted, !submitted.isEmpty, !secret.isEmpty else { return false }
        return Tokens.equal(submitted, token(for: secret))
    }
}
