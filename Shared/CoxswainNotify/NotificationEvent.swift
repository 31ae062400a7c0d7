import Foundation

/// What happened, as the notifier needs it: one audited event, rendered into a webhook body by
/// ``WebhookPayload``. It never holds a secret (no tokens, passwords or keys): everything in
/// it is sent to third-party services.
package struct NotificationEvent: Codable, Sendable, Equatable {
    /// Message id of the audited event; sent as `X-Coxswain-Delivery`, so receivers can drop
    /// duplicates (a delivery is retried after a timeout even if the receiver got it).
    package var id: String
    /// Team the event belongs to.
    package var team: String
    /// Event type, dotted (`job.failed`, `node.offline`, `member.invited`…); sent as
    /// `X-Coxswain-Event`.
    package var type: String
    /// When it happened.
    package var time: Date
    /// Who did it (user, token or service name).
    package var actor: String
    /// What it happened to (job, node, member…).
    package var target: String
    /// One human-readable line.
    package var summary: String
    /// Further facts, shown as key/value pairs.
    package var details: [String: String]

    /// Creates an event.
    package init(
        id: String, team: String, type: String, time: Date, actor: String, target: String, summary: String,
        details: [String: String] = [:]
    ) {
        self.id = id
        self.team = team
        self.type = type
        self.time = time
        self.actor = actor
        self.target = target
        self.summary = summary
        self.details = details
    }
}
