/// The body of every 4xx/5xx answer of the API.
public struct APIError: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    /// A short machine-readable code (`unknown_verb`, `unknown_target`, `payload_too_large`, …).
    public var error: String
    /// What went wrong, in words for the operator.
    public var reason: String

    public init(error: String, reason: String) {
        self.error = error
        self.reason = reason
    }

    public var description: String { reason }
}
