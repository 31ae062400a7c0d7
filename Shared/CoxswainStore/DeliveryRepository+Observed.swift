import CoxswainCore
import Foundation
import Logging
import PostgresNIO

extension DeliveryRepository {
    /// Replaces what each node reported running (its heartbeat's `deployments`). A node speaks only
    /// for itself: only containers of deployments of its own team on itself are kept, whatever the
    /// report names; heartbeats without a report (no engine) leave the rows alone.
    package func recordObserved(_ heartbeats: [NodeHeartbeat]) async throws {
        var latest: [NodeName: NodeHeartbeat] = [:]
        for h in heartbeats where h.deployments != nil && (latest[h.node].map { $0.sentAt < h.sentAt } ?? true) { latest[h.node] = h }
        guard !latest.isEmpty else { return }
        var nodes: [String] = []
        var deployments: [String] = []
        var containers: [String] = []
        var instances: [String] = []
        var states: [String] = []
        var images: [String] = []
        for (node, beat) in latest {
            for c in (beat.deployments ?? []).prefix(ObservedContainer.maximumPerHeartbeat) where c.isWithinBounds {
                nodes.append(node.rawValue)
                deployments.append(c.deployment.lowercased())
                containers.append(c.container)
                instances.append(c.instance)
                states.append(c.state)
                images.append(c.image ?? "")
            }
        }
        let reporting = latest.keys.map(\.rawValue).sorted()
        try await client.transaction(logger: logger) { conn in
            // Deployments first, then their containers: the order a deployment's removal takes
            // (its row FOR UPDATE, then the cascade), so that the two never deadlock.
            try await conn.guardedQuery(
                "SELECT id FROM deployments WHERE node = ANY(\(reporting)) ORDER BY id FOR KEY SHARE", logger: logger)
            try await conn.guardedQuery("DELETE FROM deployment_containers WHERE node = ANY(\(reporting))", logger: logger)
            guard !nodes.isEmpty else { return }
            try await conn.guardedQuery(
                """
                INSERT INTO deployment_containers (deployment_id, node, container, instance, state, image)
                SELECT d.id, o.node, o.container, o.instance, o.state, NULLIF(o.image, '')
                FROM unnest(\(nodes)::text[], \(deployments)::text[], \(containers)::text[], \(instances)::text[], \(states)::text[], \(images)::text[])
                     AS o(node, deployment, container, instance, state, image)
                JOIN nodes n ON n.name = o.node AND n.enrolled_at IS NOT NULL
                JOIN deployments d ON d.id::text = o.deployment AND d.team_id = n.team_id AND d.node = o.node
                ON CONFLICT (deployment_id, container) DO UPDATE SET state = EXCLUDED.state, image = EXCLUDED.image, instance = EXCLUDED.instance,
                    seen_at = EXCLUDED.seen_at
                """, logger: logger)
        }
    }

    /// What the deployment's node last reported for it.
    package func observed(deployment id: UUID) async throws -> [ObservedContainer] {
        let rows = try await client.guardedQuery(
            "SELECT instance, container, state, image, seen_at FROM deployment_containers WHERE deployment_id = \(id) ORDER BY instance, container",
            logger: logger)
        var out: [ObservedContainer] = []
        for try await r in rows.decode((String, String, String, String?, Date).self) {
            out.append(
                ObservedContainer(deployment: id.uuidString.lowercased(), instance: r.0, container: r.1, state: r.2, image: r.3, seenAt: r.4))
        }
        return out
    }
}
