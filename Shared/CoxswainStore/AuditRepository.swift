import Foundation
import Logging
import PostgresNIO

/// One event as the audit log keeps it.
package struct AuditRecord: Sendable, Equatable {
    package var messageID: String
    package var eventTime: Date?
    package var routingKey: String
    package var messageType: String?
    /// The JSON payload as received.
    package var payload: String

    package init(messageID: String, eventTime: Date?, routingKey: String, messageType: String?, payload: String) {
        self.messageID = messageID
        self.eventTime = eventTime
        self.routingKey = routingKey
        self.messageType = messageType
        self.payload = payload
    }
}

/// The append-only audit log.
package struct AuditRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Appends a batch in one statement; a message id seen before is skipped (redelivery).
    /// Returns how many rows were new.
    @discardableResult
    package func append(_ records: [AuditRecord]) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        let ids = records.map(\.messageID)
        let times = records.map { $0.eventTime?.timeIntervalSince1970 ?? Date().timeIntervalSince1970 }
        let keys = records.map(\.routingKey)
        let types = records.map { $0.messageType ?? "" }
        let payloads = records.map(\.payload)
        let rows = try await client.query(
            """
            INSERT INTO audit_events (message_id, event_time, routing_key, message_type, payload)
            SELECT id, to_timestamp(t), k, NULLIF(ty, ''), p::jsonb
            FROM unnest(\(ids)::text[], \(times)::float8[], \(keys)::text[], \(types)::text[], \(payloads)::text[]) AS r(id, t, k, ty, p)
            ON CONFLICT (message_id) DO NOTHING
            RETURNING id
            """,
            logger: logger
        )
        var n = 0
        for try await _ in rows.decode(Int64.self) { n += 1 }
        return n
    }

    /// Number of audit rows (for tests and health output).
    package func count() async throws -> Int {
        for try await n in try await client.query("SELECT count(*)::int FROM audit_events", logger: logger).decode(Int.self) { return n }
        return 0
    }
}
