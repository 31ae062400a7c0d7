import Foundation
import Testing

@testable import CoxswainNotify

@Suite("webhook payloads")
struct WebhookPayloadTests {
    /// 2026-05-01T12:30:45.250Z
    static let time = Date(timeIntervalSince1970: 1_777_638_645.25)

    static func event(summary: String = "Job deploy-web failed on node web-1", details: [String: String]? = nil) -> NotificationEvent {
        NotificationEvent(
            id: "msg-0001", team: "acme", type: "job.failed", time: time, actor: "alice", target: "job/deploy-web",
            summary: summary, details: details ?? ["node": "web-1", "exit": "2"])
    }

    func json(_ event: NotificationEvent, _ format: WebhookFormat) throws -> [String: Any] {
        let body = try WebhookPayload.body(for: event, format: format)
        let object = try JSONSerialization.jsonObject(with: Data(body))
        return try #require(object as? [String: Any])
    }

    @Test("generic: the event's fields, time in ISO 8601 with milliseconds")
    func generic() throws {
        let object = try json(Self.event(), .generic)
        #expect(Set(object.keys) == ["id", "team", "type", "time", "actor", "target", "summary", "details"])
        #expect(object["id"] as? String == "msg-0001")
        #expect(object["team"] as? String == "acme")
        #expect(object["type"] as? String == "job.failed")
        #expect(object["time"] as? String == "2026-05-01T12:30:45.250Z")
        #expect(object["actor"] as? String == "alice")
        #expect(object["target"] as? String == "job/deploy-web")
        #expect(object["summary"] as? String == "Job deploy-web failed on node web-1")
        #expect(object["details"] as? [String: String] == ["node": "web-1", "exit": "2"])
        let time = try #require(object["time"] as? String)
        #expect(try Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) == Self.time)
    }

    @Test("generic bodies are byte-for-byte stable (sorted keys, unescaped slashes)")
    func genericStable() throws {
        let first = try WebhookPayload.body(for: Self.event(), format: .generic)
        let second = try WebhookPayload.body(for: Self.event(), format: .generic)
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix(#"{"actor":"alice","details":{"exit":"2","node":"web-1"},"id":"msg-0001""#))
        #expect(text.contains(#""target":"job/deploy-web""#))
    }

    @Test("slack: text is the summary; blocks hold a section, fields and a context line")
    func slack() throws {
        let object = try json(Self.event(), .slack)
        #expect(Set(object.keys) == ["text", "blocks"])
        #expect(object["text"] as? String == "Job deploy-web failed on node web-1")
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["section", "section", "context"])
        let section = try #require(blocks[0]["text"] as? [String: String])
        #expect(section == ["type": "mrkdwn", "text": "Job deploy-web failed on node web-1"])
        let fields = try #require(blocks[1]["fields"] as? [[String: String]])
        #expect(
            fields.map { $0["text"] } == [
                "*Event*\njob.failed", "*Team*\nacme", "*Actor*\nalice", "*Target*\njob/deploy-web", "*exit*\n2", "*node*\nweb-1",
            ])
        #expect(fields.allSatisfy { $0["type"] == "mrkdwn" })
        let context = try #require(blocks[2]["elements"] as? [[String: String]])
        #expect(context.first?["text"] == "2026-05-01T12:30:45.250Z · event msg-0001")
    }

    @Test("slack: <, > and & are escaped, so a summary cannot mention @channel or make links")
    func slackEscapes() throws {
        let object = try json(Self.event(summary: "<!channel> deploy <http://x|y> & co"), .slack)
        #expect(object["text"] as? String == "&lt;!channel&gt; deploy &lt;http://x|y&gt; &amp; co")
    }

    @Test("slack: at most 10 fields, each at most 2,000 characters; long text cut to 3,000")
    func slackLimits() throws {
        var details: [String: String] = [:]
        for index in 0..<20 { details[String(format: "key%02d", index)] = String(repeating: "v", count: 5000) }
        let object = try json(Self.event(summary: String(repeating: "s", count: 10_000), details: details), .slack)
        let text = try #require(object["text"] as? String)
        #expect(text.count == 3000 && text.hasSuffix("…"))
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let fields = try #require(blocks[1]["fields"] as? [[String: String]])
        #expect(fields.count == 10)
        #expect(fields.allSatisfy { ($0["text"]?.count ?? 0) <= 2000 })
        let context = try #require(blocks[2]["elements"] as? [[String: String]])
        #expect(context.first?["text"]?.hasSuffix("14 more details not shown") == true)
    }

    @Test("an empty summary falls back to the event type (chat services refuse empty texts)")
    func emptySummary() throws {
        #expect(try json(Self.event(summary: ""), .slack)["text"] as? String == "job.failed")
        #expect(try json(Self.event(summary: ""), .discord)["content"] as? String == "job.failed")
    }

    @Test("discord: content is the summary, one embed titled with the type, mentions off")
    func discord() throws {
        let object = try json(Self.event(summary: "@everyone job failed"), .discord)
        #expect(Set(object.keys) == ["content", "embeds", "allowed_mentions"])
        #expect(object["content"] as? String == "@everyone job failed")
        let mentions = try #require(object["allowed_mentions"] as? [String: Any])
        #expect((mentions["parse"] as? [Any])?.isEmpty == true)
        let embeds = try #require(object["embeds"] as? [[String: Any]])
        #expect(embeds.count == 1)
        let embed = embeds[0]
        #expect(embed["title"] as? String == "job.failed")
        #expect(embed["timestamp"] as? String == "2026-05-01T12:30:45.250Z")
        #expect(
            embed["description"] as? String
                == "**Team**: acme\n**Actor**: alice\n**Target**: job/deploy-web\n**exit**: 2\n**node**: web-1")
        #expect((embed["footer"] as? [String: String])?["text"] == "event msg-0001")
    }

    @Test(
        "discord: content is cut to 2,000 characters, counted in UTF-16 as Discord does",
        arguments: [String(repeating: "x", count: 2500), String(repeating: "🚀", count: 1500), String(repeating: "é", count: 2001)])
    func discordTruncation(summary: String) throws {
        let object = try json(Self.event(summary: summary), .discord)
        let content = try #require(object["content"] as? String)
        #expect(content.utf16.count <= 2000)
        #expect(content.utf16.count >= 1998)
        #expect(content.hasSuffix("…"))
        #expect(summary.hasPrefix(String(content.dropLast())))
    }

    @Test("discord: a summary of exactly 2,000 characters is not cut")
    func discordExactLimit() throws {
        let summary = String(repeating: "y", count: 2000)
        #expect(try json(Self.event(summary: summary), .discord)["content"] as? String == summary)
    }

    @Test("discord: the embed stays within its limits (title 256, description 4,096, total 6,000)")
    func discordEmbedLimits() throws {
        var event = Self.event(details: ["log": String(repeating: "l", count: 9000)])
        event.type = String(repeating: "t", count: 400)
        let object = try json(event, .discord)
        let embed = try #require((object["embeds"] as? [[String: Any]])?.first)
        let title = try #require(embed["title"] as? String)
        let description = try #require(embed["description"] as? String)
        let footer = try #require((embed["footer"] as? [String: String])?["text"])
        #expect(title.utf16.count <= 256)
        #expect(description.utf16.count <= 4096)
        #expect(title.utf16.count + description.utf16.count + footer.utf16.count <= 6000)
    }

    @Test("every format is valid JSON for every event", arguments: WebhookFormat.allCases)
    func allFormats(format: WebhookFormat) throws {
        let event = NotificationEvent(
            id: "", team: "", type: "", time: Self.time, actor: "", target: "", summary: "", details: ["": ""])
        _ = try json(event, format)
        _ = try json(Self.event(summary: "quotes \" and \\ and \n newlines\u{0}"), format)
    }

    @Test("NotificationEvent round-trips through JSON")
    func eventCodable() throws {
        let event = Self.event()
        let data = try JSONEncoder().encode(event)
        #expect(try JSONDecoder().decode(NotificationEvent.self, from: data) == event)
    }
}
