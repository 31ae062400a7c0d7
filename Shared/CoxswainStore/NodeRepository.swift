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

    /// Every known node, by name.
    package func list() async throws -> [NodeInfo] {
        let rows = try await client.query(
            """
            SELECT name, status, machine_id, version, labels, host_uptime_seconds, agent_started_at, first_seen, last_seen
            FROM nodes ORDER BY name
            """,
            logger: logger
        )
        var out: [NodeInfo] = []
        for try await r in rows.decode((String, String, String, String, String, Double, Date, Date, Date).self) {
            let labels = (try? JSONDecoder().decode([String: String].self, from: Data(r.4.utf8))) ?? [:]
            out.append(
                NodeInfo(
                    name: r.0, status: NodeStatus(rawValue: r.1) ?? .offline, machineID: r.2, version: r.3, labels: labels,
                    hostUptimeSeconds: r.5, agentStartedAt: r.6, firstSeen: r.7, lastSeen: r.8
                )
            )
        }
        return out
    }

    /// Records a batch of heartbeats (one multi-row statement) and returns the nodes that were new
    /// or offline before this batch: they just came online.
    package func recordHeartbeats(_ heartbeats: [NodeHeartbeat]) async throws -> [NodeName] {
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
        let rows = try await client.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(names)::text[], \(machines)::text[], \(versions)::text[], \(labels)::text[],
                                     \(uptimes)::float8[], \(started)::float8[], \(intervals)::float8[])
                    AS h(name, machine_id, version, labels, host_uptime, agent_started, interval_s)
            ), previous AS (
                SELECT n.name, n.status FROM nodes n JOIN input USING (name)
            )
            INSERT INTO nodes AS n (name, machine_id, version, labels, status, host_uptime_seconds, agent_started_at,
                                    heartbeat_interval_seconds, last_seen)
            SELECT name, machine_id, version, labels, 'online', host_uptime, to_timestamp(agent_started), interval_s, clock_timestamp()
            FROM input
            ON CONFLICT (name) DO UPDATE SET
                machine_id = EXCLUDED.machine_id, version = EXCLUDED.version, labels = EXCLUDED.labels, status = 'online',
                host_uptime_seconds = EXCLUDED.host_uptime_seconds, agent_started_at = EXCLUDED.agent_started_at,
                heartbeat_interval_seconds = EXCLUDED.heartbeat_interval_seconds, last_seen = EXCLUDED.last_seen
            RETURNING n.name, coalesce((SELECT p.status FROM previous p WHERE p.name = n.name), 'new')
            """,
            logger: logger
        )
        var cameOnline: [NodeName] = []
        for try await (name, previous) in rows.decode((String, String).self) where previous != NodeStatus.online.rawValue {
            if let n = try? NodeName(validating: name) { cameOnline.append(n) }
        }
        return cameOnline
    }

    /// Marks online nodes offline when they missed `missedHeartbeats` heartbeats; returns them with their last heartbeat time.
    package func markSilentNodesOffline(missedHeartbeats: Double) async throws -> [(NodeName, Date)] {
        let rows = try await client.query(
            """
            UPDATE nodes SET status = 'offline'
            WHERE status = 'online'
              AND last_seen < clock_timestamp() - make_interval(secs => heartbeat_interval_seconds * \(missedHeartbeats))
            RETURNING name, last_seen
            """,
            logger: logger
        )
        var out: [(NodeName, Date)] = []
        for try await (name, seen) in rows.decode((String, Date).self) {
            if let n = try? NodeName(validating: name) { out.append((n, seen)) }
        }
        return out
    }

    /// Which of `names` are known nodes.
    package func existing(_ names: [String]) async throws -> Set<String> {
        let rows = try await client.query("SELECT name FROM nodes WHERE name = ANY(\(names))", logger: logger)
        var out = Set<String>()
        for try await name in rows.decode(String.self) { out.insert(name) }
        return out
    }
}
