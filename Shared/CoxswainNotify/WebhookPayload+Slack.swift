extension WebhookPayload {
    /// A Slack incoming-webhook message (`text` is the notification fallback; `blocks` the
    /// message shown).
    struct SlackMessage: Encodable {
        /// Slack limits, in characters.
        static let textLimit = 3000
        static let fieldLimit = 2000
        static let fieldCount = 10

        let text: String
        let blocks: [Block]

        init(_ event: NotificationEvent) {
            let headline = Self.escape(WebhookPayload.headline(event)).truncated(toUTF16: Self.textLimit)
            text = headline

            var fields: [String] = []
            func add(_ label: String, _ value: String) {
                guard !value.isEmpty else { return }
                fields.append("*\(Self.escape(label))*\n\(Self.escape(value))".truncated(toUTF16: Self.fieldLimit))
            }
            add("Event", event.type)
            add("Team", event.team)
            add("Actor", event.actor)
            add("Target", event.target)
            var omitted = 0
            for (key, value) in event.details.sorted(by: { $0.key < $1.key }) where !key.isEmpty && !value.isEmpty {
                if fields.count < Self.fieldCount { add(key, value) } else { omitted += 1 }
            }

            var context = "\(WebhookPayload.timestamp(event.time)) · event \(Self.escape(event.id))"
            if omitted > 0 { context += " · \(omitted) more detail\(omitted == 1 ? "" : "s") not shown" }

            var blocks: [Block] = [.section(text: headline)]
            if !fields.isEmpty { blocks.append(.fields(fields)) }
            blocks.append(.context(context.truncated(toUTF16: Self.fieldLimit)))
            self.blocks = blocks
        }

        /// Slack's mrkdwn escaping: `&`, `<` and `>` (which would otherwise make links and
        /// mentions such as `<!channel>`).
        static func escape(_ text: String) -> String {
            var escaped = ""
            escaped.reserveCapacity(text.utf8.count)
            for character in text {
                switch character {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                default: escaped.append(character)
                }
            }
            return escaped
        }

        /// The Block Kit blocks used.
        enum Block: Encodable {
            case section(text: String)
            case fields([String])
            case context(String)

            private struct Text: Encodable {
                var type = "mrkdwn"
                let text: String
            }

            private enum Keys: String, CodingKey { case type, text, fields, elements }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                switch self {
                case .section(let text):
                    try container.encode("section", forKey: .type)
                    try container.encode(Text(text: text), forKey: .text)
                case .fields(let fields):
                    try container.encode("section", forKey: .type)
                    try container.encode(fields.map { Text(text: $0) }, forKey: .fields)
                case .context(let text):
                    try container.encode("context", forKey: .type)
                    try container.encode([Text(text: text)], forKey: .elements)
                }
            }
        }
    }
}
