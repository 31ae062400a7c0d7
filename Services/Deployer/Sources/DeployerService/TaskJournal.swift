import CoxswainCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's durable task journal (SQLite via GRDB, in the state directory). A task is journaled
/// as started before it runs and as finished (with its result) before the result is published, so
/// after a crash a finished task is reported again instead of re-run, and an interrupted one is
/// reported as failed.
package struct TaskJournal: Sendable {
    /// A task's journal entry.
    package struct Entry: Sendable, Equatable {
        package var taskID: TaskID
        package var jobID: JobID
        package var finished: Bool
        package var reported: Bool
        package var result: TaskResult?
    }

    package let queue: DatabaseQueue

    /// Opens (creating if needed) the journal at `directory/journal.sqlite`.
    package init(directory: String) throws {
        try Self.makePrivate(directory: directory)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")  // durable across process crashes
        }
        queue = try DatabaseQueue(path: directory + "/journal.sqlite", configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tasks (
                        task_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, verb TEXT NOT NULL,
                        started_at REAL NOT NULL, finished_at REAL, result TEXT, reported INTEGER NOT NULL DEFAULT 0)
                    """
            )
        }
        migrator.registerMigration("v2-nonces") { db in
            try db.execute(sql: "CREATE TABLE nonces (nonce TEXT PRIMARY KEY, seen_at REAL NOT NULL)")
        }
        try migrator.migrate(queue)
    }

    /// The state directory holds every job's output, args, envs and the node's keys: 0700, and the
    /// journal files 0600 (created private before SQLite creates them; existing ones are tightened).
    /// Only these paths: the process umask is left alone, since jobs inherit it.
    static func makePrivate(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(directory, 0o700) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: directory]) }
        let db = directory + "/journal.sqlite"
        let fd = open(db, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        for file in [db, db + "-wal", db + "-shm"] where FileManager.default.fileExists(atPath: file) { _ = chmod(file, 0o600) }
    }

    /// Records a batch nonce; false when it was seen before.
    package func recordNonce(_ nonce: String, at date: Date) async throws -> Bool {
        try await queue.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO nonces (nonce, seen_at) VALUES (?, ?)", arguments: [nonce, date.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    package func entry(_ taskID: TaskID) async throws -> Entry? {
        try await queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE task_id = ?", arguments: [taskID.description]).map(Self.entry)
        }
    }

    package func markStarted(jobID: JobID, task: TaskSpec, at date: Date) async throws {
        try await queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO tasks (task_id, job_id, verb, started_at) VALUES (?, ?, ?, ?)",
                arguments: [task.taskID.description, jobID.description, task.verb.rawValue, date.timeIntervalSince1970]
            )
        }
    }

    package func markFinished(_ result: TaskResult) async throws {
        let json = String(decoding: try WireCoding.encode(result), as: UTF8.self)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tasks (task_id, job_id, verb, started_at, finished_at, result) VALUES (?, ?, '', ?, ?, ?)
                    ON CONFLICT (task_id) DO UPDATE SET finished_at = excluded.finished_at, result = excluded.result
                    """,
                arguments: [
                    result.taskID.description, result.jobID.description, result.startedAt.timeIntervalSince1970, result.finishedAt.timeIntervalSince1970, json,
                ]
            )
        }
    }

    package func markReported(_ taskID: TaskID) async throws {
        try await queue.write { db in
            try db.execute(sql: "UPDATE tasks SET reported = 1 WHERE task_id = ?", arguments: [taskID.description])
        }
    }

    /// Tasks that started but never finished (the agent died while they ran): each is finished now
    /// as failed and returned, with every finished task whose result was never confirmed as published.
    package func recover(node: NodeName, now: Date) async throws -> [TaskResult] {
        try await queue.write { db in
            var out: [TaskResult] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE finished_at IS NULL") {
                let e = Self.entry(row)
                // Read without trapping: a damaged row gives "now" rather than crashing the agent at every start.
                let started = Self.double(row, "started_at").flatMap { ValueRange.date(secondsSince1970: $0) } ?? now
                let result = TaskResult(
                    jobID: e.jobID, taskID: e.taskID, node: node, status: .failed, exitCode: nil, stdout: "", stderr: "",
                    error: "interrupted: the agent stopped while the task was running", startedAt: started, finishedAt: now
                )
                let json = String(decoding: try WireCoding.encode(result), as: UTF8.self)
                try db.execute(
                    sql: "UPDATE tasks SET finished_at = ?, result = ? WHERE task_id = ?",
                    arguments: [now.timeIntervalSince1970, json, e.taskID.description]
                )
                out.append(result)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE finished_at IS NOT NULL AND reported = 0") {
                if let r = Self.entry(row).result, !out.contains(where: { $0.taskID == r.taskID }) { out.append(r) }
            }
            return out
        }
    }

    /// An entry from a row, read without trapping (GRDB's typed subscripts crash on a NULL or a value
    /// of another type; the journal is a file anyone with the node's disk could have damaged).
    static func entry(_ row: Row) -> Entry {
        let taskID = TaskID(Self.string(row, "task_id").flatMap(UUID.init(uuidString:)) ?? UUID())
        let jobID = JobID(Self.string(row, "job_id").flatMap(UUID.init(uuidString:)) ?? UUID())
        let result = Self.string(row, "result").flatMap { try? WireCoding.decode(TaskResult.self, from: Array($0.utf8)) }
        let finished = !(row["finished_at"] as DatabaseValue).isNull
        let reported = Self.double(row, "reported").map { $0 != 0 } ?? false
        return Entry(taskID: taskID, jobID: jobID, finished: finished, reported: reported, result: result)
    }

    static func string(_ row: Row, _ column: String) -> String? {
        String.fromDatabaseValue(row[column] as DatabaseValue)
    }

    static func double(_ row: Row, _ column: String) -> Double? {
        Double.fromDatabaseValue(row[column] as DatabaseValue).flatMap { $0.isFinite ? $0 : nil }
    }
}
