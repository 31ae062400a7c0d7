import CoxswainCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A host of a new bootstrap run, with its step labels, as the Gateway records it.
package struct NewBootstrapHost: Sendable {
    package var name: String
    package var host: String
    package var port: Int
    package var username: String
    package var role: String
    package var steps: [String]

    package init(name: String, host: String, port: Int, username: String, role: String, steps: [String]) {
        self.name = name
        self.host = host
        self.port = port
        self.username = username
        self.role = role
        self.steps = steps
    }
}

/// A run as the Bootstrapper claims it.
package struct ClaimedBootstrapRun: Sendable {
    package var id: UUID
    package var team: TeamID
    package var planJSON: String
    package var threads: Int
    package var acceptNewHostKeys: Bool
    package var credential: String?
    package var sealedKey: [UInt8]?
    /// Positions of hosts already finished (a resumed run skips them).
    package var finishedHosts: Set<Int>
}

/// Bootstrap runs, their hosts, steps, output and fetched files; known host keys and SSH
/// credentials, per team.
package struct BootstrapRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    package func create(
        id: UUID, team: TeamID, planJSON: String, hosts: [NewBootstrapHost], threads: Int, acceptNewHostKeys: Bool, credential: String?,
        sealedKey: [UInt8]?, submittedBy: String
    ) async throws {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery(
                """
                INSERT INTO bootstrap_runs (id, team_id, status, plan, threads, accept_new_host_keys, credential, sealed_key, submitted_by)
                VALUES (\(id), \(team.uuid), \(BootstrapRunStatus.queued.rawValue), \(planJSON), \(threads), \(acceptNewHostKeys), \(credential)::text,
                        \(sealedKey.map { ByteBuffer(bytes: $0) })::bytea, \(submittedBy))
                """,
                logger: logger
            )
            for (position, h) in hosts.enumerated() {
                try await conn.guardedQuery(
                    """
                    INSERT INTO bootstrap_hosts (run_id, position, name, host, port, username, role, status)
                    VALUES (\(id), \(position), \(h.name), \(h.host), \(h.port), \(h.username), \(h.role), \(BootstrapHostStatus.pending.rawValue))
                    """,
                    logger: logger
                )
                try await conn.guardedQuery(
                    """
                    INSERT INTO bootstrap_steps (run_id, position, seq, label, status)
                    SELECT \(id), \(position), s.seq - 1, s.label, \(BootstrapStepStatus.pending.rawValue) FROM unnest(\(h.steps)::text[]) WITH ORDINALITY AS s(label, seq)
                    """,
                    logger: logger
                )
            }
        }
    }

    /// Deletes a run that could not be handed to the broker.
    package func delete(_ id: UUID) async throws {
        try await client.guardedQuery("DELETE FROM bootstrap_runs WHERE id = \(id)", logger: logger)
    }

    /// What claiming a run found.
    package enum Claim: Sendable {
        case claimed(ClaimedBootstrapRun)
        /// Another Bootstrapper holds a live lease on it (try again later).
        case leased
        /// Unknown or finished: nothing to do.
        case done
    }

    /// Marks the run running (again, after a crash: once the dead runner's lease expired) and
    /// leases it to the caller.
    package func claim(_ id: UUID, lease: Double) async throws -> Claim {
        let rows = try await client.guardedQuery(
            """
            UPDATE bootstrap_runs SET status = \(BootstrapRunStatus.running.rawValue), started_at = coalesce(started_at, clock_timestamp()),
                lease_until = clock_timestamp() + make_interval(secs => \(lease))
            WHERE id = \(id) AND (status = \(BootstrapRunStatus.queued.rawValue) OR (status = \(BootstrapRunStatus.running.rawValue) AND (lease_until IS NULL OR lease_until < clock_timestamp())))
            RETURNING team_id, plan, threads, accept_new_host_keys, credential, sealed_key
            """,
            logger: logger
        )
        var run: ClaimedBootstrapRun?
        for try await r in rows.decode((UUID, String, Int, Bool, String?, ByteBuffer?).self) {
            run = ClaimedBootstrapRun(
                id: id, team: TeamID(r.0.uuidString.lowercased()), planJSON: r.1, threads: r.2, acceptNewHostKeys: r.3, credential: r.4,
                sealedKey: r.5.map { Array($0.readableBytesView) }, finishedHosts: []
            )
        }
        guard var run else {
            let state = try await client.guardedQuery("SELECT status FROM bootstrap_runs WHERE id = \(id)", logger: logger)
            for try await status in state.decode(String.self) where status == BootstrapRunStatus.running.rawValue { return .leased }
            return .done
        }
        let finished = try await client.guardedQuery(
            "SELECT position FROM bootstrap_hosts WHERE run_id = \(id) AND status = ANY(\(BootstrapHostStatus.allCases.filter(\.isFinal).map(\.rawValue))::text[])",
            logger: logger
        )
        for try await p in finished.decode(Int.self) { run.finishedHosts.insert(p) }
        return .claimed(run)
    }

    /// Extends the caller's lease on a running run.
    package func renewLease(_ id: UUID, lease: Double) async throws {
        try await client.guardedQuery(
            "UPDATE bootstrap_runs SET lease_until = clock_timestamp() + make_interval(secs => \(lease)) WHERE id = \(id) AND status = \(BootstrapRunStatus.running.rawValue)",
            logger: logger
        )
    }

    /// A run's summary alone (the event stream's tick), or nil when unknown.
    package func summary(id: UUID, team: TeamID) async throws -> BootstrapRunSummary? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.summaryColumns) FROM bootstrap_runs r WHERE r.id = \(id) AND r.team_id = \(team.uuid)", logger: logger
        )
        for try await r in rows.decode(SummaryRow.self) { return Self.summary(r) }
        return nil
    }

    /// Starts (or, in a resumed run, restarts) a host: `running`, its steps back to `pending`.
    package func hostStarted(run: UUID, position: Int) async throws {
        var host = BootstrapHostStateMachine(status: .pending)
        guard case .start = host.received(.started) else { return }
        var step = BootstrapStepStateMachine(status: .running)
        let stepStatus = step.received(.hostStarted) ?? .pending
        try await client.guardedQuery(
            """
            UPDATE bootstrap_hosts SET status = \(host.status.rawValue), started_at = clock_timestamp(), error = NULL WHERE run_id = \(run) AND position = \(position)
            """,
            logger: logger
        )
        try await client.guardedQuery(
            "UPDATE bootstrap_steps SET status = \(stepStatus.rawValue), output = '', exit_code = NULL WHERE run_id = \(run) AND position = \(position)",
            logger: logger
        )
    }

    /// Ends a host; when it failed, its steps that never finished become `skipped`.
    package func hostFinished(run: UUID, position: Int, succeeded: Bool, error: String?) async throws {
        var host = BootstrapHostStateMachine(status: .running)
        guard case .finish(let status, let skipRemaining) = host.received(.finished(succeeded: succeeded)) else { return }
        try await client.guardedQuery(
            """
            UPDATE bootstrap_hosts SET status = \(status.rawValue), error = \(error)::text, finished_at = clock_timestamp()
            WHERE run_id = \(run) AND position = \(position)
            """,
            logger: logger
        )
        if skipRemaining {
            var step = BootstrapStepStateMachine(status: .pending)
            let skipped = step.received(.hostFailed) ?? .skipped
            try await client.guardedQuery(
                """
                UPDATE bootstrap_steps SET status = \(skipped.rawValue) WHERE run_id = \(run) AND position = \(position)
                  AND status = ANY(\(BootstrapHostStateMachine.skippableSteps.map(\.rawValue))::text[])
                """,
                logger: logger
            )
        }
    }

    package func stepStarted(run: UUID, position: Int, seq: Int) async throws {
        try await client.guardedQuery(
            "UPDATE bootstrap_steps SET status = \(BootstrapStepStatus.running.rawValue), started_at = clock_timestamp() WHERE run_id = \(run) AND position = \(position) AND seq = \(seq)",
            logger: logger
        )
    }

    package func stepFinished(run: UUID, position: Int, seq: Int, succeeded: Bool, exitCode: Int32?, output: String) async throws {
        try await client.guardedQuery(
            """
            UPDATE bootstrap_steps SET status = \((succeeded ? BootstrapStepStatus.succeeded : .failed).rawValue), exit_code = \(exitCode)::int, output = \(output),
                finished_at = clock_timestamp()
            WHERE run_id = \(run) AND position = \(position) AND seq = \(seq)
            """,
            logger: logger
        )
    }

    /// Ends the run (failed when any host failed or it stopped with `error`, per
    /// `BootstrapRunStateMachine`) and erases its one-run private key. Returns the final status.
    package func finish(run: UUID, error: String? = nil) async throws -> BootstrapRunStatus {
        let hostRows = try await client.guardedQuery("SELECT status FROM bootstrap_hosts WHERE run_id = \(run)", logger: logger)
        var hosts: [BootstrapHostStatus] = []
        // A status this code does not know (a row written by someone else) counts as not succeeded.
        for try await status in hostRows.decode(String.self) { hosts.append(BootstrapHostStatus(rawValue: status) ?? .failed) }
        var machine = BootstrapRunStateMachine(status: .running)
        let succeeded = BootstrapRunStateMachine.outcome(hosts: hosts, error: error != nil) == .succeeded
        guard case .complete(let status) = machine.received(.finish(hostsSucceeded: succeeded, error: error != nil)) else { return .failed }
        let rows = try await client.guardedQuery(
            """
            UPDATE bootstrap_runs SET finished_at = clock_timestamp(), sealed_key = NULL, error = \(error)::text, status = \(status.rawValue)
            WHERE id = \(run) RETURNING status
            """,
            logger: logger
        )
        for try await recorded in rows.decode(String.self) { return BootstrapRunStatus(rawValue: recorded) ?? .failed }
        return .failed
    }

    package func recordFile(run: UUID, host: String, localName: String, remotePath: String, digest: String, size: Int64) async throws {
        try await client.guardedQuery(
            """
            INSERT INTO bootstrap_files (run_id, host, local_name, remote_path, digest, size)
            VALUES (\(run), \(host), \(localName), \(remotePath), \(digest), \(size))
            ON CONFLICT (run_id, host, local_name) DO UPDATE SET digest = excluded.digest, size = excluded.size, remote_path = excluded.remote_path
            """,
            logger: logger
        )
    }

    // MARK: Reading

    package func list(team: TeamID, limit: Int) async throws -> [BootstrapRunSummary] {
        let rows = try await client.guardedQuery(
            """
            SELECT \(unescaped: Self.summaryColumns) FROM bootstrap_runs r WHERE r.team_id = \(team.uuid) ORDER BY r.created_at DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var out: [BootstrapRunSummary] = []
        for try await r in rows.decode(SummaryRow.self) { out.append(Self.summary(r)) }
        return out
    }

    package func detail(id: UUID, team: TeamID) async throws -> BootstrapRunDetail? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.summaryColumns) FROM bootstrap_runs r WHERE r.id = \(id) AND r.team_id = \(team.uuid)", logger: logger
        )
        var summary: BootstrapRunSummary?
        for try await r in rows.decode(SummaryRow.self) { summary = Self.summary(r) }
        guard let summary else { return nil }
        let hostRows = try await client.guardedQuery(
            """
            SELECT position, name, host, port, username, role, status, error, started_at, finished_at
            FROM bootstrap_hosts WHERE run_id = \(id) ORDER BY position
            """,
            logger: logger
        )
        var hosts: [BootstrapHostDetail] = []
        for try await h in hostRows.decode((Int, String, String, Int, String, String, String, String?, Date?, Date?).self) {
            hosts.append(
                BootstrapHostDetail(
                    name: h.1, host: h.2, port: h.3, username: h.4, role: h.5, status: BootstrapHostStatus(rawValue: h.6) ?? .failed, error: h.7,
                    startedAt: h.8, finishedAt: h.9, steps: [])
            )
        }
        let stepRows = try await client.guardedQuery(
            """
            SELECT position, seq, label, status, exit_code, output, started_at, finished_at
            FROM bootstrap_steps WHERE run_id = \(id) ORDER BY position, seq
            """,
            logger: logger
        )
        for try await s in stepRows.decode((Int, Int, String, String, Int32?, String, Date?, Date?).self) where s.0 < hosts.count {
            hosts[s.0].steps.append(
                BootstrapStepDetail(
                    seq: s.1, label: s.2, status: BootstrapStepStatus(rawValue: s.3) ?? .failed, exitCode: s.4, output: s.5, startedAt: s.6, finishedAt: s.7))
        }
        let fileRows = try await client.guardedQuery(
            "SELECT host, local_name, remote_path, digest, size FROM bootstrap_files WHERE run_id = \(id) ORDER BY host, local_name", logger: logger
        )
        var files: [BootstrapFileInfo] = []
        for try await f in fileRows.decode((String, String, String, String, Int64).self) {
            files.append(BootstrapFileInfo(host: f.0, localName: f.1, remotePath: f.2, digest: f.3, size: f.4))
        }
        return BootstrapRunDetail(run: summary, hosts: hosts, files: files)
    }

    typealias SummaryRow = (UUID, String, Int, Int, Int, String, String?, Date, Date?)

    static let summaryColumns = """
        r.id, r.status,
        (SELECT count(*) FROM bootstrap_hosts h WHERE h.run_id = r.id)::int,
        (SELECT count(*) FROM bootstrap_hosts h WHERE h.run_id = r.id AND h.status = '\(BootstrapHostStatus.succeeded.rawValue)')::int,
        (SELECT count(*) FROM bootstrap_hosts h WHERE h.run_id = r.id AND h.status = '\(BootstrapHostStatus.failed.rawValue)')::int,
        r.submitted_by, r.error, r.created_at, r.finished_at
        """

    static func summary(_ r: SummaryRow) -> BootstrapRunSummary {
        BootstrapRunSummary(
            id: r.0, status: BootstrapRunStatus(rawValue: r.1) ?? .failed, hosts: r.2, succeeded: r.3, failed: r.4, submittedBy: r.5, error: r.6,
            createdAt: r.7, finishedAt: r.8)
    }

    // MARK: Known hosts

    /// The team's trusted keys for a host (algorithm, base64 key).
    package func knownKeys(team: TeamID, host: String, port: Int) async throws -> [(algorithm: String, key: String)] {
        let rows = try await client.guardedQuery(
            "SELECT algorithm, key FROM known_hosts WHERE team_id = \(team.uuid) AND host = \(host) AND port = \(port)", logger: logger
        )
        var out: [(String, String)] = []
        for try await r in rows.decode((String, String).self) { out.append(r) }
        return out
    }

    /// Trust on first use: records a key (never replaces one).
    package func addKnownHost(team: TeamID, host: String, port: Int, algorithm: String, key: String, fingerprint: String, addedBy: String) async throws {
        try await client.guardedQuery(
            """
            INSERT INTO known_hosts (team_id, host, port, algorithm, key, fingerprint, added_by)
            VALUES (\(team.uuid), \(host), \(port), \(algorithm), \(key), \(fingerprint), \(addedBy)) ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    package func knownHosts(team: TeamID) async throws -> [KnownHostInfo] {
        let rows = try await client.guardedQuery(
            "SELECT host, port, algorithm, fingerprint, added_by, added_at FROM known_hosts WHERE team_id = \(team.uuid) ORDER BY host, port, algorithm",
            logger: logger
        )
        var out: [KnownHostInfo] = []
        for try await r in rows.decode((String, Int, String, String, String, Date).self) {
            out.append(KnownHostInfo(host: r.0, port: r.1, algorithm: r.2, fingerprint: r.3, addedBy: r.4, addedAt: r.5))
        }
        return out
    }

    /// Forgets a host's keys (after a legitimate re-install); returns how many were removed.
    package func forgetHost(team: TeamID, host: String, port: Int) async throws -> Int {
        let rows = try await client.guardedQuery(
            "DELETE FROM known_hosts WHERE team_id = \(team.uuid) AND host = \(host) AND port = \(port) RETURNING algorithm", logger: logger
        )
        var n = 0
        for try await _ in rows.decode(String.self) { n += 1 }
        return n
    }

    // MARK: SSH credentials

    package func storeCredential(team: TeamID, name: String, sealed: [UInt8], createdBy: String) async throws {
        try await client.guardedQuery(
            """
            INSERT INTO ssh_credentials (team_id, name, sealed_key, created_by) VALUES (\(team.uuid), \(name), \(ByteBuffer(bytes: sealed)), \(createdBy))
            ON CONFLICT (team_id, name) DO UPDATE SET sealed_key = excluded.sealed_key, created_by = excluded.created_by, created_at = clock_timestamp()
            """,
            logger: logger
        )
    }

    package func sealedCredential(team: TeamID, name: String) async throws -> [UInt8]? {
        let rows = try await client.guardedQuery(
            "SELECT sealed_key FROM ssh_credentials WHERE team_id = \(team.uuid) AND name = \(name)", logger: logger
        )
        for try await sealed in rows.decode(ByteBuffer.self) { return Array(sealed.readableBytesView) }
        return nil
    }

    package func credentials(team: TeamID) async throws -> [SSHCredentialInfo] {
        let rows = try await client.guardedQuery(
            "SELECT name, created_by, created_at FROM ssh_credentials WHERE team_id = \(team.uuid) ORDER BY name", logger: logger
        )
        var out: [SSHCredentialInfo] = []
        for try await r in rows.decode((String, String, Date).self) { out.append(SSHCredentialInfo(name: r.0, createdBy: r.1, createdAt: r.2)) }
        return out
    }

    package func removeCredential(team: TeamID, name: String) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "DELETE FROM ssh_credentials WHERE team_id = \(team.uuid) AND name = \(name) RETURNING name", logger: logger
        )
        for try await _ in rows.decode(String.self) { return true }
        return false
    }
}
