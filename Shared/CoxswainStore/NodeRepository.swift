import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// Nodes, registered and kept alive by their heartbeats.
package struct NodeRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The team's nodes, by name (pending ones too).
    package func list(team: TeamID) async throws -> [NodeInfo] {
        let rows = try await client.guardedQuery(
            """
            SELECT name, CASE WHEN reboot_requested_at > clock_timestamp() - interval '10 minutes' THEN \(NodeStatus.rebooting.rawValue) ELSE status END,
                   machine_id, version, labels,
                   host_uptime_seconds, coalesce(agent_started_at, first_seen),
                   first_seen, coalesce(last_seen, first_seen), engine
            FROM nodes WHERE team_id = \(team.uuid) ORDER BY name
            """,
            logger: logger
        )
        var out: [NodeInfo] = []
        for try await r in rows.decode((String, String, String, String, String, Double, Date, Date, Date, String?).self) {
            let labels = (try? JSONDecoder().decode([String: String].self, from: Data(r.4.utf8))) ?? [:]
            var node = NodeInfo(
                name: r.0, status: NodeStatus(rawValue: r.1) ?? .pending, machineID: r.2, version: r.3, labels: labels,
                hostUptimeSeconds: r.5, agentStartedAt: r.6, firstSeen: r.7, lastSeen: r.8
            )
            // A row a database attacker wrote cannot break the listing: an unreadable report is no report.
            node.engine = r.9.flatMap { try? JSONDecoder().decode(ContainerEngineReport.self, from: Data($0.utf8)) }
            out.append(node)
        }
        return out
    }

    /// Records a batch of heartbeats of enrolled nodes (one multi-row statement; others are ignored)
    /// and returns the nodes that were not online before this batch: they just came online.
    package func recordHeartbeats(_ heartbeats: [NodeHeartbeat]) async throws -> [(NodeName, TeamID)] {
        // One row per node (the latest), or ON CONFLICT would touch a row twice.
        var latest: [NodeName: NodeHeartbeat] = [:]
        for h in heartbeats where latest[h.node].map({ $0.sentAt < h.sentAt }) ?? true { latest[h.node] = h }
        let batch = Array(latest.values)
        guard !batch.isEmpty else { return [] }
        let names = batch.map(\.node.rawValue)
        let machines = batch.map(\.machineID)
        let versions = batch.map(\.version)
        let labels = batch.map { String(decoding: (try? JSONEncoder().encode($0.labels)) ?? Data("{}".utf8), as: UTF8.self) }
        let uptimes = batch.map(\.hostUptimeSeconds)
        let started = batch.map { $0.agentStartedAt.timeIntervalSince1970 }
        let intervals = batch.map(\.intervalSeconds)
        let engines = batch.map { beat in beat.engine.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        let rows = try await client.guardedQuery(
            """
            WITH input AS (
                SELECT * FROM unnest(\(names)::text[], \(machines)::text[], \(versions)::text[], \(labels)::text[],
                                     \(uptimes)::float8[], \(started)::float8[], \(intervals)::float8[], \(engines)::text[])
                    AS h(name, machine_id, version, labels, host_uptime, agent_started, interval_s, engine)
            ), previous AS (
                SELECT n.name, n.status FROM nodes n JOIN input USING (name)
            )
            UPDATE nodes AS n SET
                machine_id = h.machine_id, version = h.version, labels = (n.labels::jsonb || h.labels::jsonb)::text, status = \(NodeStatus.online.rawValue),
                host_uptime_seconds = h.host_uptime, agent_started_at = to_timestamp(h.agent_started),
                heartbeat_interval_seconds = h.interval_s, last_seen = clock_timestamp(), engine = NULLIF(h.engine, ''),
                reboot_requested_at = CASE WHEN to_timestamp(h.agent_started) > n.reboot_requested_at THEN NULL ELSE n.reboot_requested_at END
            FROM input h
            WHERE n.name = h.name AND n.enrolled_at IS NOT NULL
            RETURNING n.name, n.team_id, (SELECT p.status FROM previous p WHERE p.name = n.name)
            """,
            logger: logger
        )
        var cameOnline: [(NodeName, TeamID)] = []
        for try await (name, team, previous) in rows.decode((String, UUID, String?).self) where previous != NodeStatus.online.rawValue {
            if let n = try? NodeName(validating: name) { cameOnline.append((n, TeamID(team.uuidString.lowercased()))) }
        }
        return cameOnline
    }

    /// Marks online nodes offline when they missed `missedHeartbeats` heartbeats; returns them with their last heartbeat time.
    package func markSilentNodesOffline(missedHeartbeats: Double) async throws -> [(NodeName, Date, TeamID)] {
        let rows = try await client.guardedQuery(
            """
            UPDATE nodes SET status = \(NodeStatus.offline.rawValue)
            WHERE status = \(NodeStatus.online.rawValue)
              AND last_seen < clock_timestamp() - make_interval(secs => heartbeat_interval_seconds * \(missedHeartbeats))
            RETURNING name, last_seen, team_id
            """,
            logger: logger
        )
        var out: [(NodeName, Date, TeamID)] = []
        for try await (name, seen, team) in rows.decode((String, Date, UUID).self) {
            if let n = try? NodeName(validating: name) { out.append((n, seen, TeamID(team.uuidString.lowercased()))) }
        }
        return out
    }

    /// The team's nodes carrying every one of `labels`.
    package func withLabels(_ labels: [String: String], team: TeamID) async throws -> [String] {
        let wanted = String(decoding: (try? JSONEncoder().encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
        let rows = try await client.guardedQuery(
            "SELECT name FROM nodes WHERE team_id = \(team.uuid) AND labels::jsonb @> \(wanted)::jsonb ORDER BY name", logger: logger
        )
        var out: [String] = []
        for try await name in rows.decode(String.self) { out.append(name) }
        return out
    }

    /// Which of `names` are the team's nodes.
    package func existing(_ names: [String], team: TeamID) async throws -> Set<String> {
        let rows = try await client.guardedQuery("SELECT name FROM nodes WHERE name = ANY(\(names)) AND team_id = \(team.uuid)", logger: logger)
        var out = Set<String>()
        for try await name in rows.decode(String.self) { out.insert(name) }
        return out
    }

    /// One finished task that changed (or reported) a node's args, for targeting by fact.
    package struct ArgEvent: Sendable, Equatable {
        package var node: String
        /// `ARG`, `QUERY`, `CACHEDUMP` or `CACHEEVICT`.
        package var verb: String
        package var arguments: String
        /// QUERY: the node's value of the key (JSON).
        package var queryValue: String?
        /// CACHEDUMP: the node's dump (JSON).
        package var stdout: String
    }

    /// The team's succeeded tasks that set, evicted, reported or dumped node args, oldest first
    /// (at most `limit`, the newest ones): the control plane's knowledge of the nodes' args.
    package func argEvents(team: TeamID, limit: Int = 20_000) async throws -> [ArgEvent] {
        let verbs = [Verb.arg, .query, .cacheDump, .cacheevict].map(\.rawValue)
        let rows = try await client.guardedQuery(
            """
            SELECT node, verb, arguments, query_value, stdout FROM (
                SELECT t.node, coalesce(t.verb, j.verb) AS verb, coalesce(t.arguments, j.arguments) AS arguments, t.query_value,
                       CASE WHEN coalesce(t.verb, j.verb) = \(Verb.cacheDump.rawValue) THEN t.stdout ELSE '' END AS stdout, t.finished_at, t.seq
                FROM tasks t JOIN jobs j ON j.id = t.job_id
                WHERE j.team_id = \(team.uuid) AND t.status = \(TaskStatus.succeeded.rawValue) AND coalesce(t.verb, j.verb) = ANY(\(verbs)::text[])
                ORDER BY t.finished_at DESC, t.seq DESC LIMIT \(limit)
            ) newest ORDER BY finished_at, seq
            """,
            logger: logger
        )
        var out: [ArgEvent] = []
        for try await r in rows.decode((String, String, String, String?, String).self) {
            out.append(ArgEvent(node: r.0, verb: r.1, arguments: r.2, queryValue: r.3, stdout: r.4))
        }
        return out
    }

    // MARK: Enrolment

    /// Adds a pending node with a one-time enrolment token (stored hashed).
    package func addPending(team: TeamID, name: NodeName, labels: [String: String], tokenHash: String, expiresAt: Date) async throws {
        let labelText = String(decoding: (try? JSONEncoder().encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
        let rows = try await client.guardedQuery(
            """
            INSERT INTO nodes (name, team_id, machine_id, version, labels, status, enrolment_token_hash, enrolment_expires_at)
            VALUES (\(name.rawValue), \(team.uuid), '', '', \(labelText), \(NodeStatus.pending.rawValue), \(tokenHash), \(expiresAt))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """,
            logger: logger
        )
        var added = false
        for try await _ in rows.decode(String.self) { added = true }
        guard added else { throw AccessError.nameUnavailable("node") }
    }

    /// A bootstrap's enrolment token: a new pending node, or — for a node of the same team that
    /// exists — a re-enrolment (its next enrolment replaces its keys and broker password).
    package func issueEnrolmentToken(team: TeamID, name: NodeName, tokenHash: String, expiresAt: Date) async throws {
        let rows = try await client.guardedQuery(
            """
            INSERT INTO nodes (name, team_id, machine_id, version, labels, status, enrolment_token_hash, enrolment_expires_at)
            VALUES (\(name.rawValue), \(team.uuid), '', '', '{}', \(NodeStatus.pending.rawValue), \(tokenHash), \(expiresAt))
            ON CONFLICT (name) DO UPDATE SET enrolment_token_hash = excluded.enrolment_token_hash,
                enrolment_expires_at = excluded.enrolment_expires_at, enrolled_at = NULL
            WHERE nodes.team_id = excluded.team_id
            RETURNING name
            """,
            logger: logger
        )
        var issued = false
        for try await _ in rows.decode(String.self) { issued = true }
        guard issued else { throw AccessError.nameUnavailable("node") }
    }

    /// A pending node's team, if `tokenHash` is its valid, unused, unexpired enrolment token.
    package func pendingEnrolment(name: NodeName, tokenHash: String) async throws -> TeamID? {
        let rows = try await client.guardedQuery(
            """
            SELECT team_id FROM nodes WHERE name = \(name.rawValue) AND enrolment_token_hash = \(tokenHash)
              AND enrolment_expires_at > clock_timestamp() AND enrolled_at IS NULL
            """,
            logger: logger
        )
        for try await team in rows.decode(UUID.self) { return TeamID(team.uuidString.lowercased()) }
        return nil
    }

    /// Completes enrolment once: the token is consumed (a second use finds nothing), keys recorded.
    package func completeEnrolment(name: NodeName, tokenHash: String, signingKey: String, sealingKey: String, machineID: String, brokerUser: String)
        async throws -> Bool
    {
        let rows = try await client.guardedQuery(
            """
            UPDATE nodes SET enrolment_token_hash = NULL, enrolled_at = clock_timestamp(), status = \(NodeStatus.offline.rawValue),
                signing_public_key = \(signingKey), sealing_public_key = \(sealingKey), machine_id = \(machineID), broker_user = \(brokerUser)
            WHERE name = \(name.rawValue) AND enrolment_token_hash = \(tokenHash)
              AND enrolment_expires_at > clock_timestamp() AND enrolled_at IS NULL
            RETURNING name
            """,
            logger: logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Removes one of the team's nodes; returns its broker user (nil when the team has no such node).
    package func remove(team: TeamID, name: String) async throws -> String?? {
        let rows = try await client.guardedQuery(
            "DELETE FROM nodes WHERE name = \(name) AND team_id = \(team.uuid) RETURNING broker_user", logger: logger
        )
        for try await user in rows.decode(String?.self) { return .some(user) }
        return nil
    }

    /// The enrolled node's result-signing public key (base64) and team.
    package func signingKeys(_ names: [String]) async throws -> [String: (key: String, team: TeamID)] {
        let rows = try await client.guardedQuery(
            "SELECT name, signing_public_key, team_id FROM nodes WHERE name = ANY(\(names)) AND signing_public_key IS NOT NULL",
            logger: logger
        )
        var out: [String: (key: String, team: TeamID)] = [:]
        for try await (name, key, team) in rows.decode((String, String, UUID).self) { out[name] = (key, TeamID(team.uuidString.lowercased())) }
        return out
    }

    /// The enrolment team of each enrolled node among `names` (who a node's messages speak for).
    package func enrolmentTeams(_ names: [String]) async throws -> [String: TeamID] {
        guard !names.isEmpty else { return [:] }
        let rows = try await client.guardedQuery("SELECT name, team_id FROM nodes WHERE name = ANY(\(names)) AND enrolled_at IS NOT NULL", logger: logger)
        var out: [String: TeamID] = [:]
        for try await (name, team) in rows.decode((String, UUID).self) { out[name] = TeamID(team.uuidString.lowercased()) }
        return out
    }

    /// Enrolled nodes' sealing public keys (base64), by name.
    package func sealingKeys(_ names: [String]) async throws -> [String: String] {
        let rows = try await client.guardedQuery(
            "SELECT name, sealing_public_key FROM nodes WHERE name = ANY(\(names)) AND sealing_public_key IS NOT NULL", logger: logger
        )
        var out: [String: String] = [:]
        for try await (name, key) in rows.decode((String, String).self) { out[name] = key }
        return out
    }

    /// Names of every enrolled node (all teams): who must receive a control-key hand-over.
    package func enrolledNames() async throws -> [String] {
        var out: [String] = []
        for try await name in try await client.guardedQuery("SELECT name FROM nodes WHERE enrolled_at IS NOT NULL ORDER BY name", logger: logger).decode(
            String.self)
        {
            out.append(name)
        }
        return out
    }

    /// Records a node's new public keys after a successful REKEY.
    package func updateKeys(name: String, signingKey: String, sealingKey: String?) async throws {
        try await client.guardedQuery(
            """
            UPDATE nodes SET signing_public_key = \(signingKey), sealing_public_key = coalesce(\(sealingKey), sealing_public_key)
            WHERE name = \(name)
            """,
            logger: logger
        )
    }
}
