import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// A job with tasks held by a gate (QUERY, JOB_WAIT, REBOOT) or QUERY results not yet sent, as
/// the Scheduler needs it to decide what to release.
package struct GatedJob: Sendable {
    package struct Task: Sendable {
        package var id: TaskID
        package var node: String
        package var seq: Int
        package var status: TaskStatus
        package var gate: Int?
        package var finishedAt: Date?
        package var queryValue: String?
    }

    package var id: JobID
    package var team: TeamID
    package var steps: [JobStep]
    package var dispatchedAt: Date
    package var tasks: [Task]
    package var deliveredQueries: Set<Int>
    package var agentStartedAt: [String: Date]
    package var rebooting: Set<String>
}

/// What the Scheduler decided for one gated job.
package struct GateActions: Sendable {
    package var release: [TaskID] = []
    package var fail: [TaskID: String] = [:]
    /// QUERY seq → JSON `{node: {KEY: value}}`, sent to every node of the job.
    package var deliver: [Int: String] = [:]

    package init() {}
}

extension SchedulerRepository {
    /// Opens gates: for each job with gated tasks or undelivered QUERY results (locked, one
    /// replica at a time), `decide` says what to release, fail and deliver; the released tasks and
    /// the QUERY data are handed to `send` inside the transaction (so a crash re-decides), then
    /// marked dispatched. Returns the failed tasks and the jobs this completed, for events.
    package func openGates(
        decide: (GatedJob) async throws -> GateActions,
        send: ([DispatchableTask], [JobID: [NodeName: String]]) async throws -> Void
    ) async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        // One cheap indexed read outside a transaction on the hot path (results, heartbeats): usually nothing is gated.
        let candidates = try await client.guardedQuery(
            """
            SELECT job_id FROM (
                SELECT t.job_id, t.created_at FROM tasks t WHERE t.gate IS NOT NULL AND t.status = \(TaskStatus.pending.rawValue)
                UNION ALL
                SELECT t.job_id, t.created_at FROM tasks t WHERE t.verb = \(Verb.query.rawValue) AND t.status <> \(TaskStatus.pending.rawValue)
                  AND t.finished_at > clock_timestamp() - interval '1 day'
                  AND NOT EXISTS (SELECT 1 FROM job_queries q WHERE q.job_id = t.job_id AND q.seq = t.seq)
            ) c GROUP BY job_id ORDER BY min(created_at) LIMIT 100
            """,
            logger: logger
        )
        var candidateIDs: [UUID] = []
        for try await id in candidates.decode(UUID.self) { candidateIDs.append(id) }
        guard !candidateIDs.isEmpty else { return ([], []) }
        let ids = candidateIDs.sorted { $0.uuidString < $1.uuidString }
        return try await client.transaction(logger: logger) { conn in
            // SKIP LOCKED: another replica is already deciding those.
            let locked = try await conn.guardedQuery(
                """
                SELECT id, team_id, coalesce(steps, '[]'), coalesce(dispatched_at, created_at) FROM jobs
                WHERE id = ANY(\(ids)::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            )
            var jobs: [GatedJob] = []
            for try await (id, team, steps, dispatched) in locked.decode((UUID, UUID, String, Date).self) {
                let decoded = (try? JSONDecoder().decode([JobStep].self, from: Data(steps.utf8))) ?? []
                jobs.append(
                    GatedJob(
                        id: JobID(id), team: TeamID(team.uuidString.lowercased()), steps: decoded, dispatchedAt: dispatched, tasks: [],
                        deliveredQueries: [], agentStartedAt: [:], rebooting: []
                    )
                )
            }
            guard !jobs.isEmpty else { return ([], []) }
            let jobIDs = jobs.map(\.id.rawValue)
            let taskRows = try await conn.guardedQuery(
                """
                SELECT t.job_id, t.id, t.node, t.seq, t.status, t.gate, t.finished_at, t.query_value, n.agent_started_at,
                       n.reboot_requested_at > clock_timestamp() - make_interval(secs => \(Self.rebootDeadline))
                FROM tasks t LEFT JOIN nodes n ON n.name = t.node
                WHERE t.job_id = ANY(\(jobIDs)::uuid[])
                """,
                logger: logger
            )
            var index = Dictionary(uniqueKeysWithValues: jobs.enumerated().map { ($0.element.id, $0.offset) })
            for try await r in taskRows.decode((UUID, UUID, String, Int, String, Int?, Date?, String?, Date?, Bool?).self) {
                guard let i = index[JobID(r.0)] else { continue }
                jobs[i].tasks.append(
                    GatedJob.Task(
                        id: TaskID(r.1), node: r.2, seq: r.3, status: TaskStatus(rawValue: r.4) ?? .failed, gate: r.5, finishedAt: r.6, queryValue: r.7)
                )
                if let started = r.8 { jobs[i].agentStartedAt[r.2] = started }
                if r.9 == true { jobs[i].rebooting.insert(r.2) }
            }
            let delivered = try await conn.guardedQuery("SELECT job_id, seq FROM job_queries WHERE job_id = ANY(\(jobIDs)::uuid[])", logger: logger)
            for try await (job, seq) in delivered.decode((UUID, Int).self) { jobs[index[JobID(job)]!].deliveredQueries.insert(seq) }
            index = [:]

            var release: [TaskID] = []
            var fail: [TaskID: String] = [:]
            var queries: [JobID: [NodeName: String]] = [:]
            var deliveries: [(UUID, Int)] = []
            for job in jobs {
                let actions = try await decide(job)
                release += actions.release
                fail.merge(actions.fail) { a, _ in a }
                for (seq, data) in actions.deliver.sorted(by: { $0.key < $1.key }) {
                    deliveries.append((job.id.rawValue, seq))
                    for node in Set(job.tasks.map(\.node)) {
                        guard let name = try? NodeName(validating: node) else { continue }
                        queries[job.id, default: [:]][name] = Self.mergeQueries(queries[job.id]?[name], data)
                    }
                }
            }
            var recorded: [RecordedTask] = []
            if !fail.isEmpty {
                let failed = try await conn.guardedQuery(
                    """
                    UPDATE tasks t SET status = \(TaskStatus.failed.rawValue), error = f.reason, finished_at = clock_timestamp(), gate = NULL
                    FROM unnest(\(fail.keys.map(\.rawValue))::uuid[], \(fail.keys.map { fail[$0]! })::text[]) AS f(id, reason)
                    WHERE t.id = f.id AND t.status = \(TaskStatus.pending.rawValue)
                    RETURNING t.job_id, t.id, t.node, (SELECT team_id FROM jobs WHERE id = t.job_id)
                    """,
                    logger: logger
                )
                for try await r in failed.decode((UUID, UUID, String, UUID).self) {
                    guard let node = try? NodeName(validating: r.2) else { continue }
                    recorded.append(
                        RecordedTask(
                            jobID: JobID(r.0), team: TeamID(r.3.uuidString.lowercased()), taskID: TaskID(r.1), node: node, status: .failed, exitCode: nil))
                }
            }
            var dispatchable: [(Int, DispatchableTask)] = []
            if !release.isEmpty {
                let released = try await conn.guardedQuery(
                    """
                    UPDATE tasks t SET gate = NULL FROM jobs j
                    WHERE t.id = ANY(\(release.map(\.rawValue))::uuid[]) AND j.id = t.job_id AND t.status = \(TaskStatus.pending.rawValue)
                    RETURNING t.job_id, t.id, t.node, coalesce(t.verb, j.verb), coalesce(t.arguments, j.arguments), t.timeout_seconds, t.vars,
                              t.seq, t.artifacts
                    """,
                    logger: logger
                )
                for try await r in released.decode((UUID, UUID, String, String, String, Double, String?, Int, String?).self) {
                    guard let node = try? NodeName(validating: r.2), let verb = Verb(rawValue: r.3) else { continue }
                    var task = DispatchableTask(
                        jobID: JobID(r.0), taskID: TaskID(r.1), node: node, verb: verb, arguments: r.4, timeoutSeconds: r.5, varsJSON: r.6)
                    task.artifacts = r.8.flatMap { try? JSONDecoder().decode([ArtifactRef].self, from: Data($0.utf8)) }
                    dispatchable.append((r.7, task))
                }
            }
            if !deliveries.isEmpty {
                try await conn.guardedQuery(
                    """
                    INSERT INTO job_queries (job_id, seq) SELECT * FROM unnest(\(deliveries.map(\.0))::uuid[], \(deliveries.map(\.1))::int[])
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
            let tasks = dispatchable.sorted { ($0.1.node.rawValue, $0.0) < ($1.1.node.rawValue, $1.0) }.map(\.1)
            if !tasks.isEmpty || !queries.isEmpty {
                try await send(tasks, queries)
                // Published while the transaction is open: the connection may have died meanwhile.
                guard !conn.isClosed else { throw DatabaseConnectionLost(during: "a publish inside a transaction") }
                if !tasks.isEmpty {
                    try await conn.guardedQuery(
                        "UPDATE tasks SET dispatched_at = clock_timestamp() WHERE id = ANY(\(tasks.map(\.taskID.rawValue))::uuid[])", logger: logger
                    )
                }
            }
            let completed = fail.isEmpty ? [] : try await Self.completeJobs(jobIDs, conn: conn, logger: logger)
            return (recorded, completed)
        }
    }

    /// How long a node counts as rebooting after its REBOOT (then its held work is sent, and fails
    /// by timeout if the node never came back).
    package static let rebootDeadline: Double = 600

    /// Merges two JSON objects `{node: {KEY: value}}` (the later wins per key).
    static func mergeQueries(_ a: String?, _ b: String) -> String {
        guard let a, var left = try? JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any],
            let right = try? JSONSerialization.jsonObject(with: Data(b.utf8)) as? [String: Any]
        else { return b }
        for (node, values) in right {
            var merged = left[node] as? [String: Any] ?? [:]
            for (k, v) in values as? [String: Any] ?? [:] { merged[k] = v }
            left[node] = merged
        }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: left, options: [.sortedKeys])) ?? Data(b.utf8), as: UTF8.self)
    }

    /// JOB_WAIT: whether the latest task with this fingerprint (prefix) finished on every identity.
    package func jobFinished(team: TeamID, fingerprint: String, on identities: [String]) async throws -> Bool {
        guard !identities.isEmpty else { return false }
        let rows = try await client.guardedQuery(
            """
            SELECT DISTINCT ON (t.node) t.node, t.status FROM tasks t JOIN jobs j ON j.id = t.job_id
            WHERE j.team_id = \(team.uuid) AND t.node = ANY(\(identities)::text[])
              AND t.step_fingerprint LIKE \(fingerprint.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%")
            ORDER BY t.node, t.created_at DESC
            """,
            logger: logger
        )
        var finished = Set<String>()
        for try await (node, status) in rows.decode((String, String).self) where status != TaskStatus.pending.rawValue { finished.insert(node) }
        return Set(identities).isSubset(of: finished)
    }

    /// The team's nodes that are rebooting (their new work waits for their next agent start).
    package func rebootingNodes(team: TeamID) async throws -> Set<String> {
        let rows = try await client.guardedQuery(
            "SELECT name FROM nodes WHERE team_id = \(team.uuid) AND reboot_requested_at > clock_timestamp() - make_interval(secs => \(Self.rebootDeadline))",
            logger: logger
        )
        var out = Set<String>()
        for try await name in rows.decode(String.self) { out.insert(name) }
        return out
    }

    /// QUEUESENTINEL: fails every task of the team's other jobs on `nodes` that was never sent
    /// (held, gated or not yet dispatched). The agents drop the sent but not yet started ones.
    package func dropQueued(team: TeamID, nodes: [String], sentinel: JobID) async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        guard !nodes.isEmpty else { return ([], []) }
        return try await client.transaction(logger: logger) { conn in
            let candidates = try await conn.guardedQuery(
                """
                SELECT DISTINCT t.job_id FROM tasks t JOIN jobs j ON j.id = t.job_id
                WHERE j.team_id = \(team.uuid) AND t.job_id <> \(sentinel.rawValue) AND t.node = ANY(\(nodes)::text[])
                  AND t.status = \(TaskStatus.pending.rawValue) AND t.dispatched_at IS NULL
                """,
                logger: logger
            )
            var ids: [UUID] = []
            for try await id in candidates.decode(UUID.self) { ids.append(id) }
            guard !ids.isEmpty else { return ([], []) }
            ids.sort { $0.uuidString < $1.uuidString }
            try await Self.lockJobs(ids, conn: conn, logger: logger)
            let rows = try await conn.guardedQuery(
                """
                UPDATE tasks SET status = \(TaskStatus.failed.rawValue), finished_at = clock_timestamp(), gate = NULL, held = false,
                    error = 'dropped by QUEUESENTINEL (job ' || \(sentinel.rawValue.uuidString.lowercased()) || ') before it started'
                WHERE job_id = ANY(\(ids)::uuid[]) AND node = ANY(\(nodes)::text[]) AND status = \(TaskStatus.pending.rawValue) AND dispatched_at IS NULL
                RETURNING job_id, id, node, (SELECT team_id FROM jobs WHERE id = job_id)
                """,
                logger: logger
            )
            var recorded: [RecordedTask] = []
            for try await r in rows.decode((UUID, UUID, String, UUID).self) {
                guard let node = try? NodeName(validating: r.2) else { continue }
                recorded.append(
                    RecordedTask(jobID: JobID(r.0), team: TeamID(r.3.uuidString.lowercased()), taskID: TaskID(r.1), node: node, status: .failed, exitCode: nil))
            }
            return (recorded, try await Self.completeJobs(ids, conn: conn, logger: logger))
        }
    }
}
