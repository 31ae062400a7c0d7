import CoxswainCore
import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO

/// A delivery claimed for sending.
package struct DueDelivery: Sendable, Equatable {
    package var id: Int64
    package var url: String
    package var format: String
    package var eventType: String
    package var event: String
    package var attempts: Int
}

/// Webhook subscriptions (URLs sealed with the master key) and their deliveries.
package struct NotificationRepository: Sendable {
    let client: PostgresClient
    let box: SecretBox
    let logger: Logger

    package init(client: PostgresClient, masterKey: SecretBox, logger: Logger) {
        self.client = client
        self.box = masterKey
        self.logger = logger
    }

    static func associated(_ id: UUID) -> [UInt8] { Array("notification:\(id.uuidString.lowercased())".utf8) }

    /// `https://hooks.example.com/…`: enough to recognise a subscription, nothing secret.
    package static func display(_ url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "(invalid)" }
        return "\(scheme)://\(host)\(c.port.map { ":\($0)" } ?? "")/…"
    }

    package func add(team: TeamID, url: String, format: String, events: [String]) async throws -> UUID {
        let id = UUID()
        let sealed = box.seal(Array(url.utf8), associatedData: Self.associated(id))
        try await client.guardedQuery(
            """
            INSERT INTO notification_subscriptions (id, team_id, url_sealed, url_display, format, events)
            VALUES (\(id), \(team.uuid), \(ByteBuffer(bytes: sealed)), \(Self.display(url)), \(format), \(events))
            """,
            logger: logger
        )
        return id
    }

    package func list(team: TeamID) async throws -> [NotificationInfo] {
        let rows = try await client.guardedQuery(
            """
            SELECT s.id, s.url_display, s.format, s.events,
                   (SELECT count(*) FROM notification_deliveries d WHERE d.subscription_id = s.id AND d.status = 'delivered')::int,
                   (SELECT count(*) FROM notification_deliveries d WHERE d.subscription_id = s.id AND d.status = 'pending')::int,
                   (SELECT count(*) FROM notification_deliveries d WHERE d.subscription_id = s.id AND d.status = 'failed')::int,
                   (SELECT last_error FROM notification_deliveries d WHERE d.subscription_id = s.id AND d.last_error IS NOT NULL ORDER BY d.id DESC LIMIT 1)
            FROM notification_subscriptions s WHERE s.team_id = \(team.uuid) ORDER BY s.created_at
            """,
            logger: logger
        )
        var out: [NotificationInfo] = []
        for try await r in rows.decode((UUID, String, String, [String], Int, Int, Int, String?).self) {
            out.append(
                NotificationInfo(id: r.0.uuidString.lowercased(), url: r.1, format: r.2, events: r.3, delivered: r.4, pending: r.5, failed: r.6, lastError: r.7)
            )
        }
        return out
    }

    package func remove(team: TeamID, id: UUID) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "DELETE FROM notification_subscriptions WHERE id = \(id) AND team_id = \(team.uuid) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Whether `type` matches a subscription's pattern: exact, `*`, or a `prefix.*`.
    package static func matches(_ pattern: String, _ type: String) -> Bool {
        pattern == "*" || pattern == type || (pattern.hasSuffix(".*") && type.hasPrefix(String(pattern.dropLast(1))))
    }

    /// Queues a delivery for each matching subscription of each event (idempotent per event id).
    package func enqueue(_ events: [(team: TeamID, type: String, id: String, json: String)], onlySubscription: UUID? = nil) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let teams = Array(Set(events.map(\.team.uuid)))
        let rows = try await client.guardedQuery(
            "SELECT id, team_id, events FROM notification_subscriptions WHERE team_id = ANY(\(teams)::uuid[])", logger: logger)
        var subscriptions: [(UUID, UUID, [String])] = []
        for try await r in rows.decode((UUID, UUID, [String]).self) { subscriptions.append(r) }
        var subs: [UUID] = []
        var ids: [String] = []
        var types: [String] = []
        var bodies: [String] = []
        for e in events {
            for (sub, team, patterns) in subscriptions where team == e.team.uuid && (onlySubscription ?? sub) == sub {
                guard onlySubscription != nil || patterns.contains(where: { Self.matches($0, e.type) }) else { continue }
                subs.append(sub)
                ids.append(e.id)
                types.append(e.type)
                bodies.append(e.json)
            }
        }
        guard !subs.isEmpty else { return 0 }
        try await client.guardedQuery(
            """
            INSERT INTO notification_deliveries (subscription_id, event_message_id, event_type, event, status)
            SELECT s, i, t, b, 'pending' FROM unnest(\(subs)::uuid[], \(ids)::text[], \(types)::text[], \(bodies)::text[]) AS r(s, i, t, b)
            ON CONFLICT (subscription_id, event_message_id) DO NOTHING
            """,
            logger: logger
        )
        return subs.count
    }

    /// Claims up to `limit` due deliveries for `lease` (other replicas skip them meanwhile).
    package func claimDue(limit: Int, lease: Duration) async throws -> [DueDelivery] {
        let rows = try await client.guardedQuery(
            """
            UPDATE notification_deliveries d SET next_attempt_at = clock_timestamp() + make_interval(secs => \(lease.seconds))
            FROM notification_subscriptions s
            WHERE d.id IN (
                SELECT id FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
                ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ) AND s.id = d.subscription_id
            RETURNING d.id, s.id, s.url_sealed, s.format, d.event_type, d.event, d.attempts
            """,
            logger: logger
        )
        var out: [DueDelivery] = []
        for try await r in rows.decode((Int64, UUID, ByteBuffer, String, String, String, Int).self) {
            guard let url = try? box.open(Array(r.2.readableBytesView), associatedData: Self.associated(r.1)) else { continue }
            out.append(DueDelivery(id: r.0, url: String(decoding: url, as: UTF8.self), format: r.3, eventType: r.4, event: r.5, attempts: r.6))
        }
        return out
    }

    /// Records an attempt: delivered, retried at `retryAt`, or failed for good (nil `retryAt`).
    package func record(id: Int64, delivered: Bool, status: Int?, error: String?, retryAt: Date?) async throws {
        let state = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
        try await client.guardedQuery(
            """
            UPDATE notification_deliveries SET attempts = attempts + 1, status = \(state), last_status = \(status), last_error = \(error),
                delivered_at = CASE WHEN \(delivered) THEN clock_timestamp() END,
                next_attempt_at = coalesce(\(retryAt), next_attempt_at)
            WHERE id = \(id)
            """,
            logger: logger
        )
    }
}
