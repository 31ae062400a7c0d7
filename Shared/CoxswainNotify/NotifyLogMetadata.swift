/// Logger metadata keys of webhook delivery (dotted, stable; dashboards filter on them).
enum NotifyLogMetadata {
    /// Webhook URL as `scheme://host[:port]/…`: never its credentials, path or query, which
    /// hold the webhook's secret (``WebhookURL/redacted``).
    static let url = "webhook.url"
    /// Event type (`job.failed`).
    static let eventType = "event.type"
    /// Event message id.
    static let eventID = "event.id"
    /// HTTP status the receiver answered.
    static let status = "http.status"
    /// How long the attempt took.
    static let duration = "webhook.duration"
    /// Whether a failed attempt may be retried.
    static let retriable = "webhook.retriable"
    /// Error description (safe to log).
    static let error = "webhook.error"
}
