/// The body shape a webhook subscription receives: chosen per subscription, because chat
/// services accept only their own incoming-webhook formats.
package enum WebhookFormat: String, Codable, Sendable, CaseIterable {
    /// The event itself as JSON (``NotificationEvent``'s fields, `time` in ISO 8601), for
    /// receivers of one's own.
    case generic
    /// A Slack incoming-webhook message: `text` plus Block Kit `blocks`.
    case slack
    /// A Discord webhook message: `content` plus one embed.
    case discord
}
