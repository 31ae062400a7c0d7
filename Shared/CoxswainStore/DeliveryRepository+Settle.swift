import CoxswainCore
import CoxswainDelivery
import Foundation
import Logging
import PostgresNIO

extension DeliveryRepository {
    /// How long a try may wait for its job to appear before it counts as lost (the Gateway recorded
    /// the try, then died before it enqueued the job).
    package static let lostTryGraceSeconds: Double = 120

    /// The Scheduler's deployment coordinator: settles every in-progress deployment whose try's job
    /// has finished (or was lost). Each one in its own transaction, under a row lock, re-checked, so
    /// replicas and repeats settle a try once. The node's events (its task's stdout) are recorded,
    /// the state machine decides the status, and a success makes the other deployments on the same
    /// node and prefix obsolete or downgraded (`SuccessPropagation`).
    package func settleFinishedTries(limit: Int = 100) async throws -> [SettledDeployment] {
        let rows = try await client.guardedQuery(
            """
            SELECT d.id FROM deployments d LEFT JOIN jobs j ON j.id = d.current_job
            WHERE d.status = \(DeploymentStatus.inProgress.rawValue)
              AND (j.status = ANY(\([JobStatus.succeeded.rawValue, JobStatus.failed.rawValue]))
                   OR (j.id IS NULL AND d.updated_at < clock_timestamp() - make_interval(secs => \(Self.lostTryGraceSeconds))))
            LIMIT \(limit)
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        var settled: [SettledDeployment] = []
        for id in ids {
            if let one = try await settle(id) { settled.append(one) }
        }
        return settled
    }

    private func settle(_ id: UUID) async throws -> SettledDeployment? {
        try await client.transaction(logger: logger) { conn -> SettledDeployment? in
            var row: (team: UUID, product: UUID, version: UUID, kind: VersionKind, node: String, prefix: String, tries: Int, job: UUID?)?
            for try await r in try await conn.guardedQuery(
                """
                SELECT d.team_id, d.product_id, d.version_id, v.kind, d.node, d.prefix, d.tries, d.current_job
                FROM deployments d JOIN versions v ON v.id = d.version_id
                WHERE d.id = \(id) AND d.status = \(DeploymentStatus.inProgress.rawValue) FOR UPDATE OF d
                """, logger: logger
            ).decode((UUID, UUID, UUID, String, String, String, Int32, UUID?).self) {
                guard let kind = VersionKind(rawValue: r.3) else { continue }
                row = (r.0, r.1, r.2, kind, r.4, r.5, Int(r.6), r.7)
            }
            guard let row else { return nil }
            // The job and its one task (a DEPLOY job has one target).
            var job: (status: JobStatus?, error: String?, stdout: String, taskError: String?)?
            if let jobID = row.job {
                for try await r in try await conn.guardedQuery(
                    """
                    SELECT j.status, j.error, COALESCE(t.stdout, ''), t.error FROM jobs j LEFT JOIN tasks t ON t.job_id = j.id
                    WHERE j.id = \(jobID) LIMIT 1
                    """, logger: logger
                ).decode((String, String?, String, String?).self) {
                    job = (JobStatus(rawValue: r.0), r.1, r.2, r.3)
                }
            }
            var machine = DeploymentStateMachine(status: .inProgress, versionKind: row.kind, tries: row.tries)
            let events = DeploymentEventLines.parse(job?.stdout ?? "")
            let reason: String?
            let action: DeploymentStateMachine.Action
            switch job?.status {
            case .succeeded?:
                reason = nil
                action = machine.received(.allSucceeded)
            case .failed?:
                let failure = events.last { $0.kind == .failed && $0.instance != nil }
                let why = job?.taskError ?? job?.error ?? "the rollout failed"
                reason = why
                action = machine.received(.instanceFailed(instance: failure?.instance ?? "", reason: why))
            case nil:
                reason = "the deploy request was lost before it reached the node; deploy again"
                action = machine.received(.nodeTimedOut)
            case .submitted?, .dispatched?:
                return nil
            }
            let status: DeploymentStatus
            switch action {
            case .succeed: status = .successful
            case .fail: status = .failed
            default: return nil
            }
            // The node's events, after the Gateway's 'requested' line.
            var seq = 1
            for event in events.prefix(10_000) {
                try await conn.guardedQuery(
                    """
                    INSERT INTO deployment_events (deployment_id, try, seq, kind, instance, message)
                    VALUES (\(id), \(row.tries), \(seq), \(event.kind.rawValue), \(event.instance), \(String(event.message.prefix(4096))))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                seq += 1
            }
            if status == .failed, !events.contains(where: { $0.kind == .failed && $0.instance == nil }) {
                try await conn.guardedQuery(
                    """
                    INSERT INTO deployment_events (deployment_id, try, seq, kind, message)
                    VALUES (\(id), \(row.tries), \(seq), \(DeploymentEvent.Kind.failed.rawValue), \(String((reason ?? "failed").prefix(4096))))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            try await conn.guardedQuery(
                "UPDATE deployments SET status = \(status.rawValue), updated_at = clock_timestamp() WHERE id = \(id)", logger: logger)
            var rollback = false
            for try await r in try await conn.guardedQuery(
                """
                UPDATE deployment_tries SET status = \(status.rawValue), finished_at = clock_timestamp()
                WHERE deployment_id = \(id) AND try = \(row.tries) RETURNING rollback
                """, logger: logger
            ).decode(Bool.self) { rollback = r }
            var changes: [SuccessPropagation.Change] = []
            if status == .successful {
                changes = try await propagate(
                    success: id, team: row.team, product: row.product, version: row.version, kind: row.kind, node: row.node, prefix: row.prefix,
                    conn: conn)
            }
            var names: (String, String) = ("", "")
            for try await r in try await conn.guardedQuery(
                "SELECT p.name, v.name FROM products p, versions v WHERE p.id = \(row.product) AND v.id = \(row.version)", logger: logger
            ).decode((String, String).self) { names = r }
            return SettledDeployment(
                id: id, teamID: row.team, product: names.0, version: names.1, node: row.node, prefix: row.prefix, tryNumber: row.tries,
                rollback: rollback, status: status, reason: reason, changes: changes)
        }
    }

    /// Marks the deployments a success replaced on its node and prefix, as SuccessPropagation says.
    private func propagate(
        success id: UUID, team: UUID, product: UUID, version: UUID, kind: VersionKind, node: String, prefix: String, conn: PostgresConnection
    ) async throws -> [SuccessPropagation.Change] {
        var others: [DeploymentSummary] = []
        for try await r in try await conn.guardedQuery(
            """
            SELECT id, product_id, version_id, status, protected FROM deployments
            WHERE team_id = \(team) AND node = \(node) AND prefix = \(prefix) AND id <> \(id) FOR UPDATE
            """, logger: logger
        ).decode((UUID, UUID, UUID, String, Bool).self) {
            guard let status = DeploymentStatus(rawValue: r.3), let p = DeploymentPrefix(prefix), let nodeName = try? NodeName(validating: node) else {
                continue
            }
            others.append(
                DeploymentSummary(
                    id: DeploymentID(r.0.uuidString.lowercased()), productID: ProductID(r.1.uuidString.lowercased()),
                    versionID: VersionID(r.2.uuidString.lowercased()), target: DeploymentTarget(node: nodeName, prefix: p), status: status,
                    isProtected: r.4))
        }
        var parents: [VersionID: VersionID] = [:]
        for try await (child, parent) in try await conn.guardedQuery(
            "SELECT id, parent_id FROM versions WHERE product_id = \(product) AND parent_id IS NOT NULL", logger: logger
        ).decode((UUID, UUID).self) { parents[VersionID(child.uuidString.lowercased())] = VersionID(parent.uuidString.lowercased()) }
        guard let p = DeploymentPrefix(prefix), let nodeName = try? NodeName(validating: node) else { return [] }
        let succeeded = DeploymentSummary(
            id: DeploymentID(id.uuidString.lowercased()), productID: ProductID(product.uuidString.lowercased()),
            versionID: VersionID(version.uuidString.lowercased()), target: DeploymentTarget(node: nodeName, prefix: p), status: .successful)
        let changes = SuccessPropagation.changes(after: succeeded, versionKind: kind, others: others, lineage: VersionLineage(parents: parents))
        for change in changes {
            guard let other = UUID(uuidString: change.id.rawValue) else { continue }
            try await conn.guardedQuery(
                """
                UPDATE deployments SET status = \(change.to.rawValue), updated_at = clock_timestamp()
                WHERE id = \(other) AND status = \(change.from.rawValue)
                """, logger: logger)
        }
        return changes
    }

    /// Fails a try whose job could not be enqueued (the Gateway's own error after `beginTry`).
    package func failTry(_ id: UUID, tryNumber: Int, reason: String) async throws {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery(
                """
                UPDATE deployments SET status = \(DeploymentStatus.failed.rawValue), updated_at = clock_timestamp()
                WHERE id = \(id) AND status = \(DeploymentStatus.inProgress.rawValue) AND tries = \(tryNumber)
                """, logger: logger)
            try await conn.guardedQuery(
                """
                UPDATE deployment_tries SET status = \(DeploymentStatus.failed.rawValue), finished_at = clock_timestamp()
                WHERE deployment_id = \(id) AND try = \(tryNumber)
                """, logger: logger)
            try await conn.guardedQuery(
                """
                INSERT INTO deployment_events (deployment_id, try, seq, kind, message)
                VALUES (\(id), \(tryNumber), 1, \(DeploymentEvent.Kind.failed.rawValue), \(reason)) ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
}
