import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// A submitted job as the planner needs it.
package struct SubmittedJob: Sendable, Equatable {
    package var id: JobID
    package var team: TeamID
    package var verb: Verb
    package var arguments: String
    package var targets: [String]
    package var timeoutSeconds: Double
    /// An orchestration block's steps (nil for a single-verb job).
    package var steps: [JobStep]?
    /// The job that must finish first.
    package var after: JobID?
    /// Batch mode (`10` or `25%`).
    package var batch: String?
}

/// A task to (re)send to its node.
package struct DispatchableTask: Sendable, Equatable {
    package var jobID: JobID
    package var taskID: TaskID
    package var node: NodeName
    package var verb: Verb
    package var arguments: String
    package var timeoutSeconds: Double
    package var varsJSON: String?
    package var artifacts: [ArtifactRef]?

    package init(jobID: JobID, taskID: TaskID, node: NodeName, verb: Verb, arguments: String, timeoutSeconds: Double, varsJSON: String? = nil) {
        self.jobID = jobID
        self.taskID = taskID
        self.node = node
        self.verb = verb
        self.arguments = arguments
        self.timeoutSeconds = timeoutSeconds
        self.varsJSON = varsJSON
    }
}

/// A task whose final state was just recorded.
package struct RecordedTask: Sendable, Equatable {
    package var jobID: JobID
    package var team: TeamID?
    package var taskID: TaskID
    package var node: NodeName
    package var status: TaskStatus
    package var exitCode: Int32?
    /// Recorded before: this is a redelivered result, whose outcome is published again.
    package var replayed = false
}

/// A job that just reached a final state.
package struct CompletedJob: Sendable, Equatable {
    package var jobID: JobID
    package var team: TeamID?
    package var status: JobStatus
    package var error: String?
}

/// The Scheduler's writes: planning, dispatch bookkeeping, batched result ingestion and sweeps.
/// Every write is idempotent (guarded by the current status) so redelivered messages and several
/// Scheduler replicas never record a task twice.
package struct SchedulerRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The job if it still awaits planning.
    package func submittedJob(_ id: JobID) async throws -> SubmittedJob? {
        let rows = try await client.guardedQuery(
            "SELECT id, verb, arguments, targets, timeout_seconds, team_id, steps, after_job, batch FROM jobs WHERE id = \(id.rawValue) AND status = \(JobStatus.submitted.rawValue)",
            logger: logger
        )
        for try await r in rows.decode((UUID, String, String, [String], Double, UUID, String?, UUID?, String?).self) {
            guard let verb = Verb(rawValue: r.1) else { continue }
            let steps = r.6.flatMap { try? JSONDecoder().decode([JobStep].self, from: Data($0.utf8)) }
            return SubmittedJob(
                id: JobID(r.0), team: TeamID(r.5.uuidString.lowercased()), verb: verb, arguments: r.2, targets: r.3, timeoutSeconds: r.4,
                steps: steps, after: r.7.map(JobID.init), batch: r.8
            )
        }
        return nil
    }

    /// The sealed content of these jobs with their MACs, for the Scheduler to verify before it
    /// plans or dispatches anything of them.
    package func seals(_ ids: [JobID]) async throws -> [JobID: (seal: JobSeal, mac: String?)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.guardedQuery(
            """
            SELECT id, team_id, verb, arguments, targets, timeout_seconds, steps, after_job, batch, submitted_by, secret_env, mac,
                   batch_fail_fast, batch_wait_seconds
            FROM jobs WHERE id = ANY(\(ids.map(\.rawValue))::uuid[])
            """,
            logger: logger
        )
        var out: [JobID: (seal: JobSeal, mac: String?)] = [:]
        for try await r in rows.decode(
            (UUID, UUID, String, String, [String], Double, String?, UUID?, String?, String, ByteBuffer?, String?, Bool?, Double?).self)
        {
            let seal = JobSeal(
                id: JobID(r.0), team: TeamID(r.1.uuidString.lowercased()), verb: r.2, arguments: r.3, targets: r.4, timeoutSeconds: r.5, steps: r.6,
                after: r.7.map(JobID.init), batch: r.8, batchFailFast: r.12 ?? false, batchWaitSeconds: r.13, submittedBy: r.9,
                sealedSecrets: r.10.map { Array($0.readableBytesView) }
            )
            out[JobID(r.0)] = (seal, r.11)
        }
        return out
    }

    /// Marks a job whose seal does not verify as failed (never planned or dispatched); returns whether it changed.
    package func refuseJob(_ id: JobID, reason: String) async throws -> CompletedJob? {
        let rows = try await client.guardedQuery(
            """
            UPDATE jobs SET status = \(JobStatus.failed.rawValue), error = \(reason), finished_at = clock_timestamp()
            WHERE id = \(id.rawValue) AND status = ANY(\(JobStatus.allCases.filter { !$0.isFinal }.map(\.rawValue))::text[]) RETURNING team_id
            """,
            logger: logger
        )
        for try await team in rows.decode(UUID.self) {
            try await client.guardedQuery(
                "UPDATE tasks SET status = \(TaskStatus.failed.rawValue), error = \(reason), finished_at = clock_timestamp() WHERE job_id = \(id.rawValue) AND status = \(TaskStatus.pending.rawValue)",
                logger: logger
            )
            return CompletedJob(jobID: id, team: TeamID(team.uuidString.lowercased()), status: .failed, error: reason)
        }
        return nil
    }

    /// Those of `nodes` with a REKEY task not yet recorded: a message signed with a key the database
    /// does not know yet may be signed with the node's new key, whose REKEY result another Scheduler
    /// replica is recording right now.
    package func nodesRekeying(_ nodes: [String]) async throws -> Set<String> {
        guard !nodes.isEmpty else { return [] }
        let rows = try await client.guardedQuery(
            """
            SELECT DISTINCT t.node FROM tasks t JOIN jobs j ON j.id = t.job_id
            WHERE t.node = ANY(\(nodes)::text[]) AND t.status = \(TaskStatus.pending.rawValue) AND coalesce(t.verb, j.verb) = \(Verb.rekey.rawValue)
            """,
            logger: logger
        )
        var out = Set<String>()
        for try await node in rows.decode(String.self) { out.insert(node) }
        return out
    }

    /// Jobs still `submitted` after `olderThan` seconds: their nudge was lost.
    package func strandedSubmissions(olderThan seconds: Double, limit: Int = 100) async throws -> [JobID] {
        let rows = try await client.guardedQuery(
            """
            SELECT id FROM jobs WHERE status = \(JobStatus.submitted.rawValue)
              AND created_at < clock_timestamp() - make_interval(secs => \(seconds)) ORDER BY created_at LIMIT \(limit)
            """,
            logger: logger
        )
        var out: [JobID] = []
        for try await id in rows.decode(UUID.self) { out.append(JobID(id)) }
        return out
    }

    /// Records the plan: the job moves out of `submitted` (only once, whichever replica gets there
    /// first) and its tasks are inserted. Returns nil when another replica already planned it, else
    /// the completed job when nothing is left to run (rejected, or every target offline).
    package func commitPlan(job: SubmittedJob, decision: PlanDecision, heldNodes: Set<NodeName> = []) async throws -> (planned: Bool, completed: CompletedJob?)
    {
        try await client.transaction(logger: logger) { conn in
            switch decision {
            case .reject(let reason):
                // The claim: only the replica whose UPDATE finds the job still submitted records the outcome.
                var machine = JobStateMachine(status: .submitted)
                guard case .complete(let status) = machine.received(.rejected(reason: reason)) else { return (false, nil) }
                let rows = try await conn.guardedQuery(
                    """
                    UPDATE jobs SET status = \(status.rawValue), error = \(reason), finished_at = clock_timestamp()
                    WHERE id = \(job.id.rawValue) AND status = \(JobStatus.submitted.rawValue) RETURNING id
                    """,
                    logger: logger
                )
                for try await _ in rows.decode(UUID.self) {
                    return (true, CompletedJob(jobID: job.id, team: job.team, status: status, error: reason))
                }
                return (false, nil)
            case .dispatch(let tasks):
                var machine = JobStateMachine(status: .submitted)
                let action = machine.received(.planned(TaskTally(tasks.map(\.status))))
                let finished: Bool
                switch action {
                case .complete: finished = true
                case .dispatch: finished = false
                case .none, .alreadyFinal: return (false, nil)
                }
                let status = machine.status
                let rows = try await conn.guardedQuery(
                    """
                    UPDATE jobs SET status = \(status.rawValue), dispatched_at = clock_timestamp(),
                        finished_at = CASE WHEN \(finished) THEN clock_timestamp() END
                    WHERE id = \(job.id.rawValue) AND status = \(JobStatus.submitted.rawValue) RETURNING id
                    """,
                    logger: logger
                )
                var claimed = false
                for try await _ in rows.decode(UUID.self) { claimed = true }
                guard claimed else { return (false, nil) }
                try await conn.guardedQuery(
                    """
                    INSERT INTO tasks (id, job_id, node, status, timeout_seconds, error, finished_at, seq, verb, arguments, vars, held,
                                       artifacts, artifact_digests, step_fingerprint, gate)
                    SELECT id, \(job.id.rawValue), node, status, \(job.timeoutSeconds), NULLIF(err, ''),
                           CASE WHEN status = \(TaskStatus.pending.rawValue) THEN NULL ELSE clock_timestamp() END, seq, NULLIF(verb, ''), NULLIF(args, ''), NULLIF(vars, ''),
                           status = \(TaskStatus.pending.rawValue) AND node = ANY(\(heldNodes.map(\.rawValue))::text[]),
                           NULLIF(artifacts, ''), CASE WHEN digests = '' THEN NULL ELSE string_to_array(digests, ',') END, NULLIF(fingerprint, ''),
                           NULLIF(gate, \(Self.noGate))
                    FROM unnest(\(tasks.map(\.taskID.rawValue))::uuid[], \(tasks.map(\.node.rawValue))::text[],
                                \(tasks.map(\.status.rawValue))::text[], \(tasks.map { $0.error ?? "" })::text[], \(tasks.map(\.seq))::int[],
                                \(tasks.map { $0.step?.verb.uppercased() ?? "" })::text[], \(tasks.map { $0.step?.arguments ?? "" })::text[],
                                \(tasks.map { $0.step?.varsJSON ?? "" })::text[], \(tasks.map { Self.json($0.step?.artifacts) })::text[],
                                \(tasks.map { ($0.step?.artifacts ?? []).map(\.digest).joined(separator: ",") })::text[],
                                \(tasks.map { $0.stepFingerprint ?? "" })::text[], \(tasks.map { $0.gate ?? Self.noGate })::int[])
                        AS t(id, node, status, err, seq, verb, args, vars, artifacts, digests, fingerprint, gate)
                    """,
                    logger: logger
                )
                return (true, finished ? CompletedJob(jobID: job.id, team: job.team, status: status, error: "no target could run the job") : nil)
            }
        }
    }

    /// The sealed secret environments of these jobs (only jobs that have one).
    package func sealedSecrets(_ jobs: [JobID]) async throws -> [JobID: [UInt8]] {
        let rows = try await client.guardedQuery(
            "SELECT id, secret_env FROM jobs WHERE id = ANY(\(jobs.map(\.rawValue))::uuid[]) AND secret_env IS NOT NULL", logger: logger
        )
        var out: [JobID: [UInt8]] = [:]
        for try await (id, sealed) in rows.decode((UUID, ByteBuffer).self) { out[JobID(id)] = Array(sealed.readableBytesView) }
        return out
    }

    /// Sends these tasks' batches (`body`) while holding their rows, then marks them dispatched, in
    /// one transaction: the stranded-task sweep (`FOR UPDATE SKIP LOCKED`) cannot re-send them while
    /// the first send is in flight. (It did, when planning a large block took longer than
    /// `scheduler.stranded_after`: a second batch with the same tasks, whose not-yet-started ones a
    /// node then ran twice.)
    package func dispatching(_ tasks: [TaskID], body: () async throws -> Void) async throws {
        guard !tasks.isEmpty else { return try await body() }
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("SELECT id FROM tasks WHERE id = ANY(\(tasks.map(\.rawValue))::uuid[]) ORDER BY id FOR UPDATE", logger: logger)
            try await body()
            guard !conn.isClosed else { throw DatabaseConnectionLost(during: "a publish inside a transaction") }
            try await conn.guardedQuery(
                "UPDATE tasks SET dispatched_at = clock_timestamp() WHERE id = ANY(\(tasks.map(\.rawValue))::uuid[]) AND status = \(TaskStatus.pending.rawValue)",
                logger: logger
            )
        }
    }

    /// Notes that these tasks' batches were confirmed by the broker.
    package func markDispatched(_ tasks: [TaskID]) async throws {
        guard !tasks.isEmpty else { return }
        try await client.guardedQuery(
            "UPDATE tasks SET dispatched_at = clock_timestamp() WHERE id = ANY(\(tasks.map(\.rawValue))::uuid[]) AND status = \(TaskStatus.pending.rawValue)",
            logger: logger
        )
    }

    /// Pending tasks never confirmed as dispatched after `olderThan` seconds (a Scheduler died
    /// between commit and publish). Locks them (SKIP LOCKED) inside `body`, which republishes them;
    /// they are marked dispatched when `body` returns.
    package func redispatchStranded(olderThan seconds: Double, body: ([DispatchableTask]) async throws -> Void) async throws -> Int {
        try await client.transaction(logger: logger) { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT t.job_id, t.id, t.node, coalesce(t.verb, j.verb), coalesce(t.arguments, j.arguments), t.timeout_seconds, t.vars, t.artifacts
                FROM tasks t JOIN jobs j ON j.id = t.job_id
                WHERE t.status = \(TaskStatus.pending.rawValue) AND t.dispatched_at IS NULL AND NOT t.held AND t.gate IS NULL
                  AND t.created_at < clock_timestamp() - make_interval(secs => \(seconds))
                ORDER BY t.created_at, t.seq LIMIT 500
                FOR UPDATE OF t SKIP LOCKED
                """,
                logger: logger
            )
            var tasks: [DispatchableTask] = []
            for try await r in rows.decode((UUID, UUID, String, String, String, Double, String?, String?).self) {
                guard let node = try? NodeName(validating: r.2), let verb = Verb(rawValue: r.3) else { continue }
                var task = DispatchableTask(jobID: JobID(r.0), taskID: TaskID(r.1), node: node, verb: verb, arguments: r.4, timeoutSeconds: r.5, varsJSON: r.6)
                task.artifacts = Self.artifacts(r.7)
                tasks.append(task)
            }
            guard !tasks.isEmpty else { return 0 }
            try await body(tasks)
            // Published while the transaction is open: the connection may have died meanwhile.
            guard !conn.isClosed else { throw DatabaseConnectionLost(during: "a publish inside a transaction") }
            try await conn.guardedQuery(
                "UPDATE tasks SET dispatched_at = clock_timestamp() WHERE id = ANY(\(tasks.map(\.taskID.rawValue))::uuid[])",
                logger: logger
            )
            return tasks.count
        }
    }

    /// Records a batch of results in one transaction: each pending task takes its first result
    /// (later duplicates are ignored); jobs with no pending task left are completed.
    package func recordResults(_ results: [TaskResult]) async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        // A result must carry a final status (`TaskStateMachine` refuses `pending`): such a result records nothing.
        let results = results.filter { result in
            var machine = TaskStateMachine()
            if case .record = machine.received(.reported(result.status)) { return true }
            return false
        }
        guard !results.isEmpty else { return ([], []) }
        let jobIDs = Array(Set(results.map(\.jobID.rawValue))).sorted { $0.uuidString < $1.uuidString }
        return try await client.transaction(logger: logger) { conn in
            try await Self.lockJobs(jobIDs, conn: conn, logger: logger)
            let rows = try await conn.guardedQuery(
                """
                UPDATE tasks t SET status = r.status, exit_code = NULLIF(r.exit_code, \(Self.noExitCode)),
                    stdout = r.stdout, stderr = r.stderr, error = NULLIF(r.error, ''),
                    started_at = to_timestamp(r.started), finished_at = to_timestamp(r.finished),
                    result_received_at = clock_timestamp(), fingerprint = NULLIF(r.fingerprint, ''), cached = r.cached,
                    query_value = NULLIF(r.query_value, '')
                FROM unnest(\(results.map(\.taskID.rawValue))::uuid[], \(results.map(\.node.rawValue))::text[],
                            \(results.map(\.status.rawValue))::text[], \(results.map { $0.exitCode ?? Self.noExitCode })::int[],
                            \(results.map(\.stdout))::text[], \(results.map(\.stderr))::text[], \(results.map { $0.error ?? "" })::text[],
                            \(results.map { $0.startedAt.timeIntervalSince1970 })::float8[],
                            \(results.map { $0.finishedAt.timeIntervalSince1970 })::float8[],
                            \(results.map { $0.fingerprint ?? "" })::text[], \(results.map { $0.cached ?? false })::bool[],
                            \(results.map { $0.queryValue ?? "" })::text[])
                    AS r(id, node, status, exit_code, stdout, stderr, error, started, finished, fingerprint, cached, query_value)
                WHERE t.id = r.id AND t.node = r.node AND t.status = \(TaskStatus.pending.rawValue)
                RETURNING t.job_id, t.id, t.node, t.status, t.exit_code, (SELECT team_id FROM jobs WHERE id = t.job_id), t.verb
                """,
                logger: logger
            )
            var recorded: [RecordedTask] = []
            var rebooted: [String] = []
            for try await r in rows.decode((UUID, UUID, String, String, Int32?, UUID, String?).self) {
                guard let node = try? NodeName(validating: r.2) else { continue }
                recorded.append(
                    RecordedTask(
                        jobID: JobID(r.0), team: TeamID(r.5.uuidString.lowercased()), taskID: TaskID(r.1), node: node,
                        status: TaskStatus(rawValue: r.3) ?? .failed, exitCode: r.4))
                if r.6 == Verb.reboot.rawValue, r.3 == TaskStatus.succeeded.rawValue { rebooted.append(r.2) }
            }
            if !rebooted.isEmpty {
                // The node's new work waits until an agent started after this reports (its next heartbeat).
                // In the node's own clock (the REBOOT's finish), compared with its agent start time.
                try await conn.guardedQuery(
                    """
                    UPDATE nodes n SET reboot_requested_at = t.finished_at FROM tasks t
                    WHERE t.id = ANY(\(recorded.map(\.taskID.rawValue))::uuid[]) AND t.verb = \(Verb.reboot.rawValue) AND t.status = \(TaskStatus.succeeded.rawValue) AND n.name = t.node
                    """,
                    logger: logger
                )
            }
            var completed = try await Self.completeJobs(jobIDs, conn: conn, logger: logger)
            // Results recorded before (a redelivery after a commit whose acknowledgement was lost, a
            // crash between commit and publish): their outcome is derived again from the record, so
            // the events that follow from it (task finished, job completed, gates, batch release,
            // dependents) cannot be lost. Events carry deterministic ids, so Audit and webhooks dedupe.
            let fresh = Set(recorded.map(\.taskID))
            let replay = results.filter { !fresh.contains($0.taskID) }
            if !replay.isEmpty {
                let rows = try await conn.guardedQuery(
                    """
                    SELECT t.job_id, t.id, t.node, t.status, t.exit_code, j.team_id, j.status, j.error FROM tasks t JOIN jobs j ON j.id = t.job_id
                    WHERE t.id = ANY(\(replay.map(\.taskID.rawValue))::uuid[]) AND t.node = ANY(\(replay.map(\.node.rawValue))::text[]) AND t.status <> \(TaskStatus.pending.rawValue)
                    """,
                    logger: logger
                )
                var finishedJobs: [UUID: CompletedJob] = [:]
                for try await r in rows.decode((UUID, UUID, String, String, Int32?, UUID, String, String?).self) {
                    guard let node = try? NodeName(validating: r.2) else { continue }
                    let team = TeamID(r.5.uuidString.lowercased())
                    recorded.append(
                        RecordedTask(
                            jobID: JobID(r.0), team: team, taskID: TaskID(r.1), node: node, status: TaskStatus(rawValue: r.3) ?? .failed, exitCode: r.4,
                            replayed: true))
                    if let status = JobStatus(rawValue: r.6), status.isFinal, !completed.contains(where: { $0.jobID.rawValue == r.0 }) {
                        finishedJobs[r.0] = CompletedJob(jobID: JobID(r.0), team: team, status: status, error: r.7)
                    }
                }
                completed += finishedJobs.values
            }
            return (recorded, completed)
        }
    }

    /// Tasks overdue without a result (dispatched longer ago than their timeout plus `grace`
    /// seconds) that were not reconciled yet: marks them asked and returns them, for the Scheduler to
    /// ask each node for its stored result before anything is failed.
    package func tasksToReconcile(grace: Double, limit: Int = 1000) async throws -> [DispatchableTask] {
        let rows = try await client.guardedQuery(
            """
            UPDATE tasks t SET reconcile_requested_at = clock_timestamp() FROM jobs j
            WHERE t.id IN (
                SELECT id FROM tasks WHERE status = \(TaskStatus.pending.rawValue) AND dispatched_at IS NOT NULL AND reconcile_requested_at IS NULL
                  AND dispatched_at < clock_timestamp() - make_interval(secs => timeout_seconds + \(grace))
                ORDER BY dispatched_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ) AND j.id = t.job_id
            RETURNING t.job_id, t.id, t.node, coalesce(t.verb, j.verb), t.timeout_seconds, t.seq
            """,
            logger: logger
        )
        var out: [(Int, DispatchableTask)] = []
        for try await r in rows.decode((UUID, UUID, String, String, Double, Int).self) {
            guard let node = try? NodeName(validating: r.2), let verb = Verb(rawValue: r.3) else { continue }
            out.append((r.5, DispatchableTask(jobID: JobID(r.0), taskID: TaskID(r.1), node: node, verb: verb, arguments: "", timeoutSeconds: r.4)))
        }
        return out.sorted { ($0.1.node.rawValue, $0.0) < ($1.1.node.rawValue, $1.0) }.map(\.1)
    }

    /// Fails pending tasks whose node was asked for their result more than `grace` seconds ago and
    /// gave none, and completes their jobs. The reason says which: the node is offline (gone), or it
    /// is online and has no finished result for the task.
    package func failOverdueTasks(grace: Double) async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        try await client.transaction(logger: logger) { conn in
            let candidates = try await conn.guardedQuery(
                """
                SELECT DISTINCT job_id FROM tasks
                WHERE status = \(TaskStatus.pending.rawValue) AND reconcile_requested_at < clock_timestamp() - make_interval(secs => \(grace))
                LIMIT 200
                """,
                logger: logger
            )
            var jobIDs: [UUID] = []
            for try await id in candidates.decode(UUID.self) { jobIDs.append(id) }
            guard !jobIDs.isEmpty else { return ([], []) }
            jobIDs.sort { $0.uuidString < $1.uuidString }
            try await Self.lockJobs(jobIDs, conn: conn, logger: logger)
            let rows = try await conn.guardedQuery(
                """
                UPDATE tasks t SET status = \(TaskStatus.timedOut.rawValue), finished_at = clock_timestamp(),
                    error = CASE WHEN n.status IS DISTINCT FROM \(NodeStatus.online.rawValue)
                        THEN 'no result: node ' || t.node || ' is ' || coalesce(n.status, 'gone') || ' (last seen '
                             || coalesce(to_char(n.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'never') || ') and never reported this task'
                        ELSE 'no result: node ' || t.node || ' was asked at '
                             || to_char(t.reconcile_requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                             || ' and has no finished result for this task (timeout ' || t.timeout_seconds || ' s)'
                    END
                FROM tasks t2 LEFT JOIN nodes n ON n.name = t2.node
                WHERE t2.id = t.id AND t.job_id = ANY(\(jobIDs)::uuid[]) AND t.status = \(TaskStatus.pending.rawValue)
                  AND t.reconcile_requested_at < clock_timestamp() - make_interval(secs => \(grace))
                RETURNING t.job_id, t.id, t.node, (SELECT team_id FROM jobs WHERE id = t.job_id)
                """,
                logger: logger
            )
            var recorded: [RecordedTask] = []
            for try await r in rows.decode((UUID, UUID, String, UUID).self) {
                guard let node = try? NodeName(validating: r.2) else { continue }
                recorded.append(
                    RecordedTask(
                        jobID: JobID(r.0), team: TeamID(r.3.uuidString.lowercased()), taskID: TaskID(r.1), node: node, status: .timedOut, exitCode: nil))
            }
            let completed = try await Self.completeJobs(jobIDs, conn: conn, logger: logger)
            return (recorded, completed)
        }
    }

    /// Batch mode: releases held nodes of these jobs so that at most the job's window of nodes is
    /// occupied — running, or finished less than the job's `batch_wait_seconds` ago — and returns
    /// the released tasks to dispatch (in step order). A `batch_fail_fast` job with a failed task
    /// releases nothing: its held tasks end failed as skipped (`BatchRelease.skippedReason`),
    /// returned with the jobs that completed.
    package func releaseHeld(_ jobs: [JobID]) async throws -> (dispatch: [DispatchableTask], skipped: [RecordedTask], completed: [CompletedJob]) {
        guard !jobs.isEmpty else { return ([], [], []) }
        return try await client.transaction(logger: logger) { conn in
            try await Self.lockJobs(jobs.map(\.rawValue).sorted { $0.uuidString < $1.uuidString }, conn: conn, logger: logger)
            let rows = try await conn.guardedQuery(
                """
                SELECT j.id, j.batch, (SELECT count(DISTINCT node) FROM tasks t WHERE t.job_id = j.id)::int,
                       (SELECT count(*) FROM (
                            SELECT t.node FROM tasks t WHERE t.job_id = j.id AND NOT t.held GROUP BY t.node
                            HAVING bool_or(t.status = \(TaskStatus.pending.rawValue))
                                OR (coalesce(j.batch_wait_seconds, 0) > 0
                                    AND max(t.finished_at) > clock_timestamp() - make_interval(secs => j.batch_wait_seconds))
                        ) occupied)::int,
                       (SELECT array_agg(DISTINCT node) FROM tasks t WHERE t.job_id = j.id AND t.held),
                       (SELECT count(*) FROM tasks t WHERE t.job_id = j.id
                          AND t.status IN (\(TaskStatus.failed.rawValue), \(TaskStatus.timedOut.rawValue)))::int,
                       j.batch_fail_fast
                FROM jobs j WHERE j.id = ANY(\(jobs.map(\.rawValue))::uuid[]) AND j.batch IS NOT NULL
                """,
                logger: logger
            )
            var release: [(UUID, [String])] = []
            var skip: [UUID] = []
            for try await (id, batch, total, occupied, held, failed, failFast) in rows.decode((UUID, String, Int, Int, [String]?, Int, Bool).self) {
                let held = held ?? []
                switch BatchRelease.decide(batch: batch, total: total, held: held.count, occupied: occupied, failed: failed, failFast: failFast) {
                case .release(let n): release.append((id, Array(held.sorted().prefix(n))))
                case .skipHeld: skip.append(id)
                case .wait: break
                }
            }
            var out: [DispatchableTask] = []
            for (job, nodes) in release {
                let released = try await conn.guardedQuery(
                    """
                    UPDATE tasks t SET held = false FROM jobs j
                    WHERE t.job_id = \(job) AND j.id = t.job_id AND t.held AND t.node = ANY(\(nodes)::text[])
                    RETURNING t.id, t.node, coalesce(t.verb, j.verb), coalesce(t.arguments, j.arguments), t.timeout_seconds, t.vars, t.seq,
                              t.artifacts, t.gate
                    """,
                    logger: logger
                )
                var tasks: [(Int, DispatchableTask)] = []
                for try await r in released.decode((UUID, String, String, String, Double, String?, Int, String?, Int?).self) where r.8 == nil {
                    guard let node = try? NodeName(validating: r.1), let verb = Verb(rawValue: r.2) else { continue }
                    var task = DispatchableTask(
                        jobID: JobID(job), taskID: TaskID(r.0), node: node, verb: verb, arguments: r.3, timeoutSeconds: r.4, varsJSON: r.5)
                    task.artifacts = Self.artifacts(r.7)
                    tasks.append((r.6, task))
                }
                out += tasks.sorted { ($0.1.node.rawValue, $0.0) < ($1.1.node.rawValue, $1.0) }.map(\.1)
            }
            var skipped: [RecordedTask] = []
            if !skip.isEmpty {
                let rows = try await conn.guardedQuery(
                    """
                    UPDATE tasks t SET held = false, status = \(TaskStatus.failed.rawValue), error = \(BatchRelease.skippedReason),
                           finished_at = clock_timestamp()
                    FROM jobs j
                    WHERE t.job_id = ANY(\(skip)::uuid[]) AND j.id = t.job_id AND t.held AND t.status = \(TaskStatus.pending.rawValue)
                    RETURNING t.job_id, t.id, t.node, j.team_id
                    """,
                    logger: logger
                )
                for try await r in rows.decode((UUID, UUID, String, UUID).self) {
                    guard let node = try? NodeName(validating: r.2) else { continue }
                    skipped.append(
                        RecordedTask(
                            jobID: JobID(r.0), team: TeamID(r.3.uuidString.lowercased()), taskID: TaskID(r.1), node: node, status: .failed, exitCode: nil))
                }
            }
            let completed = try await Self.completeJobs(skip, conn: conn, logger: logger)
            return (out, skipped, completed)
        }
    }

    /// Batch-mode jobs whose held nodes wait for a `--batch-wait` pause to end: the sweep releases them.
    package func jobsPausedBetweenBatches(limit: Int = 1000) async throws -> [JobID] {
        let rows = try await client.guardedQuery(
            """
            SELECT j.id FROM jobs j WHERE j.status = \(JobStatus.dispatched.rawValue) AND j.batch_wait_seconds > 0
              AND EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id AND t.held) LIMIT \(limit)
            """,
            logger: logger
        )
        var out: [JobID] = []
        for try await id in rows.decode(UUID.self) { out.append(JobID(id)) }
        return out
    }

    /// Retention beyond jobs: finished bootstrap runs, then artifacts no task, bootstrap run or
    /// fetched file refers to any more (both older than `olderThan` seconds). Returns the counts.
    package func purgeUnreferenced(olderThan seconds: Double, limit: Int = 200) async throws -> (runs: Int, artifacts: Int) {
        let runs = try await client.guardedQuery(
            """
            DELETE FROM bootstrap_runs WHERE id IN (
                SELECT id FROM bootstrap_runs WHERE status = ANY(\(BootstrapRunStatus.allCases.filter(\.isFinal).map(\.rawValue))::text[])
                  AND finished_at < clock_timestamp() - make_interval(secs => \(seconds)) LIMIT \(limit)
            ) RETURNING id
            """,
            logger: logger
        )
        var runCount = 0
        for try await _ in runs.decode(UUID.self) { runCount += 1 }
        let artifacts = try await client.guardedQuery(
            """
            DELETE FROM artifacts a WHERE (a.team_id, a.digest) IN (
                SELECT a2.team_id, a2.digest FROM artifacts a2
                WHERE a2.created_at < clock_timestamp() - make_interval(secs => \(seconds))
                  AND NOT EXISTS (SELECT 1 FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE j.team_id = a2.team_id AND a2.digest = ANY(t.artifact_digests))
                  AND NOT EXISTS (SELECT 1 FROM bootstrap_files f JOIN bootstrap_runs r ON r.id = f.run_id WHERE r.team_id = a2.team_id AND f.digest = a2.digest)
                  AND NOT EXISTS (SELECT 1 FROM bootstrap_runs r WHERE r.team_id = a2.team_id AND r.finished_at IS NULL AND strpos(r.plan, a2.digest) > 0)
                  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.team_id = a2.team_id AND j.status = \(JobStatus.submitted.rawValue) AND strpos(coalesce(j.steps, ''), a2.digest) > 0)
                LIMIT \(limit)
            ) RETURNING a.digest
            """,
            logger: logger
        )
        var artifactCount = 0
        for try await _ in artifacts.decode(String.self) { artifactCount += 1 }
        return (runCount, artifactCount)
    }

    /// Whether a job has finished (or no longer exists).
    package func isFinished(_ id: JobID) async throws -> Bool {
        for try await status in try await client.guardedQuery("SELECT status FROM jobs WHERE id = \(id.rawValue)", logger: logger).decode(String.self) {
            return JobStatus(rawValue: status)?.isFinal ?? true
        }
        return true
    }

    /// Jobs still waiting that were waiting for one of these.
    package func dependents(of ids: [JobID]) async throws -> [JobID] {
        let rows = try await client.guardedQuery(
            "SELECT id FROM jobs WHERE after_job = ANY(\(ids.map(\.rawValue))::uuid[]) AND status = \(JobStatus.submitted.rawValue) ORDER BY created_at",
            logger: logger
        )
        var out: [JobID] = []
        for try await id in rows.decode(UUID.self) { out.append(JobID(id)) }
        return out
    }

    /// Deletes finished jobs (with their tasks) that finished more than `olderThan` seconds ago.
    package func purgeFinishedJobs(olderThan seconds: Double, limit: Int = 1000) async throws -> Int {
        let rows = try await client.guardedQuery(
            """
            DELETE FROM jobs WHERE id IN (
                SELECT id FROM jobs WHERE status = ANY(\(JobStatus.allCases.filter(\.isFinal).map(\.rawValue))::text[])
                  AND finished_at < clock_timestamp() - make_interval(secs => \(seconds)) LIMIT \(limit)
            ) RETURNING id
            """,
            logger: logger
        )
        var n = 0
        for try await _ in rows.decode(UUID.self) { n += 1 }
        return n
    }

    static let noExitCode: Int32 = -2_147_483_648
    static let noGate = -1_000_000

    static func artifacts(_ json: String?) -> [ArtifactRef]? {
        json.flatMap { try? JSONDecoder().decode([ArtifactRef].self, from: Data($0.utf8)) }
    }

    static func json(_ artifacts: [ArtifactRef]?) -> String {
        guard let artifacts, !artifacts.isEmpty, let data = try? JSONEncoder().encode(artifacts) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Serialises result recording per job across Scheduler replicas (in a stable order: no deadlocks).
    static func lockJobs(_ ids: [UUID], conn: PostgresConnection, logger: Logger) async throws {
        try await conn.guardedQuery("SELECT id FROM jobs WHERE id = ANY(\(ids)::uuid[]) ORDER BY id FOR UPDATE", logger: logger)
    }

    /// Completes those of `ids` (locked by the caller) whose tasks are all settled: the status comes
    /// from `JobStateMachine` (the one completion rule), the database only supplies the tallies.
    static func completeJobs(_ ids: [UUID], conn: PostgresConnection, logger: Logger) async throws -> [CompletedJob] {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.guardedQuery(
            """
            SELECT j.id, j.team_id, t.status, count(t.id)::int
            FROM jobs j LEFT JOIN tasks t ON t.job_id = j.id
            WHERE j.id = ANY(\(ids)::uuid[]) AND j.status = \(JobStatus.dispatched.rawValue)
            GROUP BY j.id, j.team_id, t.status
            """,
            logger: logger
        )
        var tallies: [UUID: (team: UUID, tally: TaskTally)] = [:]
        for try await (id, team, status, count) in rows.decode((UUID, UUID, String?, Int).self) {
            var entry = tallies[id] ?? (team, TaskTally())
            if let status {
                // A status this code does not know (a row written by someone else) counts as failed.
                entry.tally.add(TaskStatus(rawValue: status) ?? .failed, count: count)
            }
            tallies[id] = entry
        }
        var finished: [JobStatus: [UUID]] = [:]
        for (id, entry) in tallies {
            var machine = JobStateMachine(status: .dispatched)
            guard case .complete(let status) = machine.received(.tasksSettled(entry.tally)) else { continue }
            finished[status, default: []].append(id)
        }
        var out: [CompletedJob] = []
        for (status, jobs) in finished {
            // Still `dispatched` when the row is updated: only one transaction completes a job.
            let completed = try await conn.guardedQuery(
                """
                UPDATE jobs SET finished_at = clock_timestamp(), status = \(status.rawValue)
                WHERE id = ANY(\(jobs)::uuid[]) AND status = \(JobStatus.dispatched.rawValue) RETURNING id, team_id
                """,
                logger: logger
            )
            for try await (id, team) in completed.decode((UUID, UUID).self) {
                out.append(CompletedJob(jobID: JobID(id), team: TeamID(team.uuidString.lowercased()), status: status, error: nil))
            }
        }
        return out.sorted { $0.jobID.rawValue.uuidString < $1.jobID.rawValue.uuidString }
    }
}
