import CoxswainCore
import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO

/// Jobs and their tasks as the Gateway and the CLI see them.
package struct JobRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The master key: each inserted job is sealed with it (`JobSeal`), so the Scheduler refuses jobs written by anyone else.
    let sealKey: SecretBox?

    package init(client: PostgresClient, logger: Logger, sealKey: SecretBox? = nil) {
        self.client = client
        self.logger = logger
        self.sealKey = sealKey
    }

    /// Records an accepted job in state `submitted`.
    package func insert(
        id: JobID, team: TeamID, verb: Verb, arguments: String, targets: [String], timeoutSeconds: Double, submittedBy: String,
        sealedSecrets: [UInt8]? = nil, secretNames: [String] = [], steps: [JobStep]? = nil, after: JobID? = nil, name: String? = nil,
        batch: String? = nil, batchFailFast: Bool = false, batchWaitSeconds: Double? = nil, parent: UUID? = nil
    ) async throws {
        let stepsJSON = try steps.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let mac = try sealKey.map { key in
            try JobSeal(
                id: id, team: team, verb: verb.rawValue, arguments: arguments, targets: targets, timeoutSeconds: timeoutSeconds, steps: stepsJSON,
                after: after, batch: batch, batchFailFast: batchFailFast, batchWaitSeconds: batchWaitSeconds, submittedBy: submittedBy,
                sealedSecrets: sealedSecrets
            ).mac(key)
        }
        try await client.guardedQuery(
            """
            INSERT INTO jobs (id, team_id, verb, arguments, targets, timeout_seconds, status, submitted_by, secret_env, secret_names, steps, after_job, name, batch, batch_fail_fast, batch_wait_seconds, parent_id, mac)
            VALUES (\(id.rawValue), \(team.uuid), \(verb.rawValue), \(arguments), \(targets), \(timeoutSeconds), \(JobStatus.submitted.rawValue), \(submittedBy),
                    \(sealedSecrets.map { ByteBuffer(bytes: $0) }), \(secretNames), \(stepsJSON), \(after?.rawValue), \(name), \(batch), \(batchFailFast), \(batchWaitSeconds), \(parent), \(mac))
            """,
            logger: logger
        )
    }

    /// Deletes the team's finished jobs (with their tasks); returns how many.
    package func purgeFinished(team: TeamID) async throws -> Int {
        let rows = try await client.guardedQuery(
            "DELETE FROM jobs WHERE team_id = \(team.uuid) AND status = ANY(\(JobStatus.allCases.filter(\.isFinal).map(\.rawValue))::text[]) RETURNING id",
            logger: logger
        )
        var n = 0
        for try await _ in rows.decode(UUID.self) { n += 1 }
        return n
    }

    /// Whether the team has this job.
    package func exists(_ id: JobID, team: TeamID) async throws -> Bool {
        for try await _ in try await client.guardedQuery("SELECT 1 FROM jobs WHERE id = \(id.rawValue) AND team_id = \(team.uuid)", logger: logger).decode(
            Int.self)
        { return true }
        return false
    }

    /// Removes a job that could not be handed to the Scheduler (nothing half-submitted).
    package func delete(id: JobID) async throws {
        try await client.guardedQuery("DELETE FROM jobs WHERE id = \(id.rawValue) AND status = \(JobStatus.submitted.rawValue)", logger: logger)
    }

    /// The most recently submitted job.
    package func lastJobID(team: TeamID) async throws -> JobID? {
        let rows = try await client.guardedQuery("SELECT id FROM jobs WHERE team_id = \(team.uuid) ORDER BY created_at DESC LIMIT 1", logger: logger)
        for try await id in rows.decode(UUID.self) { return JobID(id) }
        return nil
    }

    static let summaryColumns = """
        j.id, j.verb, j.arguments, j.targets, j.status, j.submitted_by, j.error, j.created_at, j.dispatched_at, j.finished_at,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id)::int,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.status = '\(TaskStatus.succeeded.rawValue)')::int,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.status IN ('\(TaskStatus.failed.rawValue)', '\(TaskStatus.timedOut.rawValue)'))::int,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.status = '\(TaskStatus.pending.rawValue)')::int, j.secret_names,
        j.name, (SELECT count(DISTINCT t.node) FROM tasks t WHERE t.job_id = j.id)::int,
        (SELECT count(DISTINCT t.seq) FROM tasks t WHERE t.job_id = j.id)::int,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.status = '\(TaskStatus.succeeded.rawValue)' AND t.cached)::int,
        (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.status = '\(TaskStatus.failed.rawValue)' AND t.error LIKE 'skipped:%')::int,
        j.parent_id
        """

    typealias SummaryRow = (
        UUID, String, String, [String], String, String, String?, Date, Date?, Date?, Int, Int, Int, Int, [String], String?, Int, Int, Int, Int, UUID?
    )

    static func summary(_ r: SummaryRow) -> JobSummary {
        var summary = JobSummary(
            id: JobID(r.0), verb: r.1, arguments: r.2, targets: r.3, status: JobStatus(rawValue: r.4) ?? .failed,
            submittedBy: r.5, error: r.6, createdAt: r.7, dispatchedAt: r.8, finishedAt: r.9, nodeCount: r.10,
            succeeded: r.11, failed: r.12, pending: r.13, secretNames: r.14.isEmpty ? nil : r.14
        )
        summary.name = r.15
        summary.nodes = r.16
        summary.steps = r.17
        summary.cached = r.18
        summary.skipped = r.19
        summary.parent = r.20?.uuidString.lowercased()
        return summary
    }

    /// Jobs, newest first, optionally only those in some states.
    package func list(team: TeamID, limit: Int, statuses: [JobStatus]? = nil, parent: UUID? = nil) async throws -> [JobSummary] {
        let states = (statuses ?? JobStatus.allCases).map(\.rawValue)
        let rows = try await client.guardedQuery(
            """
            SELECT \(unescaped: Self.summaryColumns) FROM jobs j
            WHERE j.team_id = \(team.uuid) AND j.status = ANY(\(states)) AND (\(parent)::uuid IS NULL OR j.parent_id = \(parent)::uuid)
            ORDER BY j.created_at DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var out: [JobSummary] = []
        for try await r in rows.decode(SummaryRow.self) { out.append(Self.summary(r)) }
        return out
    }

    /// The job summary alone, or nil when unknown.
    /// The nodes a job has tasks on (whose live output its stream may carry).
    package func nodes(of id: JobID) async throws -> Set<String> {
        var out = Set<String>()
        for try await node in try await client.guardedQuery("SELECT DISTINCT node FROM tasks WHERE job_id = \(id.rawValue)", logger: logger).decode(String.self)
        {
            out.insert(node)
        }
        return out
    }

    package func summary(id: JobID, team: TeamID) async throws -> JobSummary? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.summaryColumns) FROM jobs j WHERE j.id = \(id.rawValue) AND j.team_id = \(team.uuid)", logger: logger
        )
        for try await r in rows.decode(SummaryRow.self) { return Self.summary(r) }
        return nil
    }

    /// The job with every task, or nil when unknown.
    package func detail(id: JobID, team: TeamID) async throws -> JobDetail? {
        guard let job = try await summary(id: id, team: team) else { return nil }
        let rows = try await client.guardedQuery(
            """
            SELECT id, node, status, exit_code, stdout, stderr, error, created_at, dispatched_at, started_at, finished_at, result_received_at,
                   fingerprint, cached, seq, COALESCE(verb, \(job.verb))
            FROM tasks WHERE job_id = \(id.rawValue) ORDER BY node, seq
            """,
            logger: logger
        )
        var tasks: [TaskDetail] = []
        for try await r in rows.decode(
            (UUID, String, String, Int32?, String, String, String?, Date, Date?, Date?, Date?, Date?, String?, Bool, Int, String?).self)
        {
            var task = TaskDetail(
                id: TaskID(r.0), node: r.1, status: TaskStatus(rawValue: r.2) ?? .failed, exitCode: r.3, stdout: r.4,
                stderr: r.5, error: r.6, createdAt: r.7, dispatchedAt: r.8, startedAt: r.9, finishedAt: r.10,
                resultReceivedAt: r.11
            )
            task.fingerprint = r.12
            task.cached = r.13 ? true : nil
            task.step = r.14
            task.verb = r.15
            tasks.append(task)
        }
        return JobDetail(job: job, tasks: tasks)
    }
}
