extension WebhookPayload {
    /// A Discord webhook message: the summary as `content`, the rest in one embed, mentions
    /// off (`allowed_mentions.parse = []`, so `@everyone` in a summary pings nobody).
    struct DiscordMessage: Encodable {
        /// Discord limits, in characters (the embed's total stays below 6,000).
        static let contentLimit = 2000
        static let titleLimit = 256
        static let descriptionLimit = 4096
        static let footerLimit = 256

        let content: String
        let embeds: [Embed]
        let allowedMentions = AllowedMentions()

        enum CodingKeys: String, CodingKey {
            case content, embeds
            case allowedMentions = "allowed_mentions"
        }

        init(_ event: NotificationEvent) {
            content = WebhookPayload.headline(event).truncated(toUTF16: Self.contentLimit)

            var lines: [String] = []
            for (label, value) in [("Team", event.team), ("Actor", event.actor), ("Target", event.target)] where !value.isEmpty {
                lines.append("**\(label)**: \(value)")
            }
            for (key, value) in event.details.sorted(by: { $0.key < $1.key }) where !key.isEmpty {
                lines.append("**\(key)**: \(value)")
            }
            let description = lines.joined(separator: "\n").truncated(toUTF16: Self.descriptionLimit)

            embeds = [
                Embed(
                    title: event.type.isEmpty ? nil : event.type.truncated(toUTF16: Self.titleLimit),
                    description: description.isEmpty ? nil : description,
                    timestamp: WebhookPayload.timestamp(event.time),
                    footer: event.id.isEmpty ? nil : Embed.Footer(text: "event \(event.id)".truncated(toUTF16: Self.footerLimit)))
            ]
        }

        struct Embed: Encodable {
            let title: String?
            let description: String?
            let timestamp: String
            let footer: Footer?

            struct Footer: Encodable {
                let text: String
            }
        }

        struct AllowedMentions: Encodable {
            let parse: [String] = []
        }
    }
}
