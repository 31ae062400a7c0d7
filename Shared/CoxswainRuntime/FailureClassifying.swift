/// An error type that knows whether it is about the message (poison) or about the world.
/// The store conforms PostgreSQL's errors: data exceptions and constraint violations are poison.
package protocol FailureClassifying: Error {
    /// Why the message can never succeed, or nil when a retry may.
    var poisonReason: String? { get }
    /// How long to wait before a retry, when the error knows better than the consumer's back-off
    /// (e.g. a bootstrap run leased by another Bootstrapper); nil: the consumer's back-off.
    var retryAfter: Duration? { get }
}

extension FailureClassifying {
    package var retryAfter: Duration? { nil }
}
