import Foundation

/// Renders a ``NotificationEvent`` as a webhook body in a subscription's ``WebhookFormat``.
///
/// Pure: no I/O, same output for the same event (keys sorted). Chat formats keep within the
/// services' documented limits (Slack: 3,000 characters a text block, 10 fields of 2,000;
/// Discord: 2,000 for `content`, 256 for an embed title, 4,096 for its description), cutting
/// long texts with `…` rather than having the message refused, and never let an event's text
/// ping people (`@everyone`, `<!channel>`).
package enum WebhookPayload {
    /// The JSON body for `event` in `format`.
    ///
    /// - `generic`: `{"id", "team", "type", "time", "actor", "target", "summary", "details"}`,
    ///   `time` in ISO 8601 with milliseconds (`2026-05-01T12:00:00.000Z`).
    /// - `slack`: `{"text": summary, "blocks": [...]}`.
    /// - `discord`: `{"content": summary, "embeds": [{"title": type, "description", "timestamp",
    ///   "footer"}], "allowed_mentions": {"parse": []}}`.
    package static func body(for event: NotificationEvent, format: WebhookFormat) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        let data: Data
        switch format {
        case .generic:
            data = try encoder.encode(event)
        case .slack:
            data = try encoder.encode(SlackMessage(event))
        case .discord:
            data = try encoder.encode(DiscordMessage(event))
        }
        return Array(data)
    }

    /// `date` in ISO 8601, UTC, with milliseconds.
    package static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The summary, or the event type when the summary is empty (chat services refuse empty
    /// texts).
    static func headline(_ event: NotificationEvent) -> String {
        if !event.summary.isEmpty { return event.summary }
        return event.type.isEmpty ? "Coxswain event" : event.type
    }
}
