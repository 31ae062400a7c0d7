/// Everything that can go wrong when checking or browsing a registry.
///
/// Each string is one sentence built by ``RegistryClient`` that names the registry and, where it
/// matters, the repository and tag; ``description`` returns it. Descriptions never contain the
/// password or a token: the client builds them from validated names and the registry's own
/// error message with any secret blanked out.
public enum RegistryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The registry or its token service refused the credentials, or none were stored (HTTP 401,
    /// or 403 `DENIED`): `401 unauthorized: registry … refused the credentials of user …`.
    case unauthorized(String)
    /// The registry (or its API) answered 429; `retryAfterSeconds` from `Retry-After` when given.
    case rateLimited(retryAfterSeconds: Int?)
    /// The repository or tag does not exist (HTTP 404): `tag demo/httpd:3 not found in registry …`.
    case notFound(String)
    /// No connection: `cannot reach https://host/v2/: connection refused`.
    case unreachable(String)
    /// The operation did not finish within the client's timeout.
    case timedOut(Duration)
    /// An unexpected status or an answer that could not be understood (too large, not JSON, a bad digest).
    case badResponse(String)
    /// The registry's kind cannot do this (an `unchecked` registry cannot be browsed).
    case unsupported(String)
    /// A repository name, tag, namespace or registry URL breaks the rules; nothing was sent.
    case invalid(String)

    /// `true` when the same call may succeed later without a change: the registry was unreachable,
    /// slow or rate limiting. Refused credentials, missing names and invalid input need a fix first.
    public var isRetriable: Bool {
        switch self {
        case .rateLimited, .unreachable, .timedOut: true
        case .unauthorized, .notFound, .badResponse, .unsupported, .invalid: false
        }
    }

    /// One sentence for operators and API answers.
    public var description: String {
        switch self {
        case .unauthorized(let message), .notFound(let message), .unreachable(let message), .badResponse(let message),
            .unsupported(let message), .invalid(let message):
            message
        case .rateLimited(let seconds?):
            "429 rate limited, retry after \(seconds) s"
        case .rateLimited(nil):
            "429 rate limited, retry later"
        case .timedOut(let limit):
            "timed out after \(Self.seconds(limit))"
        }
    }

    /// `15 s`, `0.5 s`: a duration as operators read it.
    static func seconds(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        guard seconds < 1_000_000_000 else { return "\(seconds) s" }
        let milliseconds = max(0, seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        let tenths = (milliseconds + 50) / 100
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}
