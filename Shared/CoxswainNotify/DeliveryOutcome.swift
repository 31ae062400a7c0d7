/// The result of one delivery attempt (``WebhookSender/deliver(url:body:eventType:eventID:)``).
///
/// The dispatcher stores it on the delivery row: `delivered` ends the delivery; otherwise
/// `retriable` says whether to schedule another attempt (``RetryPolicy``) or give up now.
package struct DeliveryOutcome: Sendable, Equatable {
    /// The receiver answered 2xx.
    package var delivered: Bool
    /// The HTTP status the receiver answered, if it answered at all.
    package var statusCode: Int?
    /// Why the attempt failed, safe to log and to show the team: it never contains the
    /// webhook URL's path, query or credentials. `nil` when delivered.
    package var error: String?
    /// `true` if the same request may succeed later (HTTP 408, 429, 5xx, timeouts, connection
    /// failures); `false` when delivered or when the subscription needs a fix first (other
    /// 4xx, redirects, an invalid URL).
    package var retriable: Bool
    /// How long the receiver asked to wait (`Retry-After` in seconds, with 429 or 503), if it
    /// did: see ``RetryPolicy/delay(afterAttempt:retryAfter:)``.
    package var retryAfter: Duration?

    /// Creates an outcome.
    package init(delivered: Bool, statusCode: Int?, error: String?, retriable: Bool, retryAfter: Duration? = nil) {
        self.delivered = delivered
        self.statusCode = statusCode
        self.error = error
        self.retriable = retriable
        self.retryAfter = retryAfter
    }
}
