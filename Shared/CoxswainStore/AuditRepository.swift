import CoxswainCore
import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO

/// One event as the audit log keeps it.
package struct AuditRecord: Sendable, Equatable {
    package var messageID: String
    package var teamID: TeamID?
    package var eventTime: Date
    package var routingKey: String
    package var messageType: String?
    package var actor: String
    package var action: String
    package var target: String
    package var outcome: String
    package var requestID: String?
    /// The JSON payload as received (secrets are never put in events).
    package var payload: String

    package init(
        messageID: String, teamID: TeamID?, eventTime: Date, routingKey: String, messageType: String?, actor: String, action: String,
        target: String, outcome: String, requestID: String?, payload: String
    ) {
        self.messageID = messageID
        self.teamID = teamID
        self.eventTime = eventTime
        self.routingKey = routingKey
        self.messageType = messageType
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.requestID = requestID
        self.payload = payload
    }
}

/// The append-only audit log: one hash chain per team (each record carries the hash of the previous
/// one), written in batches. Events that belong to no team form the system chain.
package struct AuditRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The chain of events that belong to no team.
    package static let systemTeam = TeamID("00000000-0000-0000-0000-000000000000")

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The exact text a record's hash covers (unit separator between fields).
    package static func canonical(seq: Int64, team: TeamID, eventMicros: Int64, record r: AuditRecord, prevHash: String) -> String {
        [
            String(seq), team.rawValue, String(eventMicros), r.actor, r.action, r.target, r.outcome, r.requestID ?? "", r.routingKey,
            r.messageType ?? "", r.payload, prevHash,
        ].joined(separator: "\u{1F}")
    }

    /// Microseconds since 1970; a date out of Int64's range (never recorded: the recorder checks) gives 0 rather than a trap.
    static func micros(_ date: Date) -> Int64 { Int64(exactly: (date.timeIntervalSince1970 * 1_000_000).rounded()) ?? 0 }

    /// Appends a batch in one transaction: per team, under a transaction-scoped lock, after the
    /// team's current head; message ids seen before are skipped (redelivery). Returns how many were new.
    @discardableResult
    package func append(_ records: [AuditRecord]) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        return try await client.transaction(logger: logger) { conn in
            var byTeam: [TeamID: [AuditRecord]] = [:]
            for r in records { byTeam[r.teamID ?? Self.systemTeam, default: []].append(r) }
            for team in byTeam.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                try await conn.guardedQuery("SELECT pg_advisory_xact_lock(hashtextextended(\(team.rawValue), 42))", logger: logger)
            }
            var seen = Set<String>()
            for try await id in try await conn.guardedQuery(
                "SELECT message_id FROM audit_events WHERE message_id = ANY(\(records.map(\.messageID)))", logger: logger
            ).decode(String.self) {
                seen.insert(id)
            }
            var ids: [String] = []
            var teams: [UUID] = []
            var seqs: [Int64] = []
            var micros: [Int64] = []
            var keys: [String] = []
            var types: [String] = []
            var actors: [String] = []
            var actions: [String] = []
            var targets: [String] = []
            var outcomes: [String] = []
            var requests: [String] = []
            var payloads: [String] = []
            var prevs: [String] = []
            var hashes: [String] = []
            for (team, teamRecords) in byTeam {
                var seq: Int64 = 0
                var prev = ""
                let head = try await conn.guardedQuery(
                    "SELECT seq, hash FROM audit_events WHERE team_id = \(team.uuid) ORDER BY seq DESC LIMIT 1", logger: logger
                )
                for try await (s, h) in head.decode((Int64, String).self) {
                    seq = s
                    prev = h
                }
                for r in teamRecords where seen.insert(r.messageID).inserted {
                    seq += 1
                    let us = Self.micros(r.eventTime)
                    let hash = Digest.sha256Hex(Self.canonical(seq: seq, team: team, eventMicros: us, record: r, prevHash: prev))
                    ids.append(r.messageID)
                    teams.append(team.uuid)
                    seqs.append(seq)
                    micros.append(us)
                    keys.append(r.routingKey)
                    types.append(r.messageType ?? "")
                    actors.append(r.actor)
                    actions.append(r.action)
                    targets.append(r.target)
                    outcomes.append(r.outcome)
                    requests.append(r.requestID ?? "")
                    payloads.append(r.payload)
                    prevs.append(prev)
                    hashes.append(hash)
                    prev = hash
                }
            }
            guard !ids.isEmpty else { return 0 }
            try await conn.guardedQuery(
                """
                INSERT INTO audit_events (message_id, team_id, seq, event_time, event_us, routing_key, message_type, actor, action, target,
                                          outcome, request_id, payload, payload_raw, prev_hash, hash)
                SELECT id, team, seq, to_timestamp(us / 1000000.0), us, k, NULLIF(ty, ''), a, act, tg, o, NULLIF(rq, ''), p::jsonb, p, prev, h
                FROM unnest(\(ids)::text[], \(teams)::uuid[], \(seqs)::int8[], \(micros)::int8[], \(keys)::text[], \(types)::text[],
                            \(actors)::text[], \(actions)::text[], \(targets)::text[], \(outcomes)::text[], \(requests)::text[],
                            \(payloads)::text[], \(prevs)::text[], \(hashes)::text[])
                    AS r(id, team, seq, us, k, ty, a, act, tg, o, rq, p, prev, h)
                """,
                logger: logger
            )
            return ids.count
        }
    }

    /// The team's records, newest first, filtered.
    package func list(team: TeamID, since: Date?, actor: String?, action: String?, target: String?, limit: Int) async throws -> [AuditEntry] {
        let rows = try await client.guardedQuery(
            """
            SELECT seq, event_time, actor, action, target, outcome, request_id, payload_raw, hash FROM audit_events
            WHERE team_id = \(team.uuid) AND seq IS NOT NULL
              AND (\(since)::timestamptz IS NULL OR event_time >= \(since)::timestamptz)
              AND (\(actor)::text IS NULL OR actor LIKE '%' || \(actor)::text || '%')
              AND (\(action)::text IS NULL OR action LIKE \(action)::text || '%')
              AND (\(target)::text IS NULL OR target LIKE '%' || \(target)::text || '%')
            ORDER BY seq DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var out: [AuditEntry] = []
        for try await r in rows.decode((Int64, Date, String, String, String, String, String?, String, String).self) {
            out.append(AuditEntry(seq: r.0, time: r.1, actor: r.2, action: r.3, target: r.4, outcome: r.5, requestID: r.6, details: r.7, hash: r.8))
        }
        return out
    }

    /// Recomputes the team's chain from its first record (an anchor left by pruning is trusted as
    /// the start) and names the first record whose hash or link does not match.
    package func verify(team: TeamID) async throws -> AuditVerification {
        let rows = try await client.guardedQuery(
            """
            SELECT seq, event_us, routing_key, message_type, actor, action, target, outcome, request_id, payload_raw, prev_hash, hash, anchor,
                   payload = payload_raw::jsonb
            FROM audit_events WHERE team_id = \(team.uuid) AND seq IS NOT NULL ORDER BY seq
            """,
            logger: logger
        )
        var count = 0
        var expectedPrev: String?
        var expectedSeq: Int64?
        for try await r in rows.decode((Int64, Int64, String, String?, String, String, String, String, String?, String, String, String, Bool, Bool).self) {
            count += 1
            let record = AuditRecord(
                messageID: "", teamID: team, eventTime: Date(), routingKey: r.2, messageType: r.3, actor: r.4, action: r.5, target: r.6,
                outcome: r.7, requestID: r.8, payload: r.9
            )
            if let expectedSeq, r.0 != expectedSeq {
                return AuditVerification(intact: false, records: count, firstBrokenSeq: r.0, reason: "record \(expectedSeq) is missing")
            }
            if let expectedPrev, r.10 != expectedPrev {
                return AuditVerification(intact: false, records: count, firstBrokenSeq: r.0, reason: "its link to the previous record does not match")
            }
            if expectedPrev == nil, !r.12, r.0 != 1 || r.10 != "" {
                return AuditVerification(intact: false, records: count, firstBrokenSeq: r.0, reason: "the chain does not start at record 1 or an anchor")
            }
            let hash = Digest.sha256Hex(Self.canonical(seq: r.0, team: team, eventMicros: r.1, record: record, prevHash: r.10))
            guard hash == r.11, r.13 else {
                return AuditVerification(intact: false, records: count, firstBrokenSeq: r.0, reason: "its content does not match its hash")
            }
            expectedPrev = r.11
            expectedSeq = r.0 + 1
        }
        return AuditVerification(intact: true, records: count, firstBrokenSeq: nil, reason: nil)
    }

    /// Deletes records older than `before`, keeping the newest of them as an anchor so the chain
    /// stays verifiable from there. Returns how many rows were deleted.
    package func prune(before: Date) async throws -> Int {
        try await client.transaction(logger: logger) { conn in
            // One pruner at a time across replicas.
            var locked = false
            for try await got in try await conn.guardedQuery("SELECT pg_try_advisory_xact_lock(4242)", logger: logger).decode(Bool.self) { locked = got }
            guard locked else { return 0 }
            let anchors = try await conn.guardedQuery(
                """
                UPDATE audit_events a SET anchor = true FROM (
                    SELECT DISTINCT ON (team_id) id FROM audit_events WHERE event_time < \(before) AND seq IS NOT NULL ORDER BY team_id, seq DESC
                ) last WHERE a.id = last.id RETURNING a.team_id, a.seq
                """,
                logger: logger
            )
            var deleted = 0
            var pairs: [(UUID, Int64)] = []
            for try await (team, seq) in anchors.decode((UUID, Int64).self) { pairs.append((team, seq)) }
            for (team, seq) in pairs {
                let rows = try await conn.guardedQuery("DELETE FROM audit_events WHERE team_id = \(team) AND seq < \(seq) RETURNING id", logger: logger)
                for try await _ in rows.decode(Int64.self) { deleted += 1 }
            }
            return deleted
        }
    }

    /// Number of audit rows (for tests and health output).
    package func count() async throws -> Int {
        for try await n in try await client.guardedQuery("SELECT count(*)::int FROM audit_events", logger: logger).decode(Int.self) { return n }
        return 0
    }
}
