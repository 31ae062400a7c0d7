import CoxswainCore
import CoxswainTemplating
import Foundation
import GRDB

/// The node's durable state for jobs (in the journal's SQLite file): args (ARG, CACHEFILE,
/// `--stdout-arg`), envs (ENV) and the job cache (fingerprints of jobs that succeeded here).
/// Survives agent restarts.
package struct NodeStore: Sendable {
    let queue: DatabaseQueue

    package init(journal: TaskJournal) throws {
        queue = journal.queue
        var migrator = DatabaseMigrator()
        migrator.registerMigration("node-store-v1") { db in
            try db.execute(sql: "CREATE TABLE args (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE envs (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE cache (fingerprint TEXT PRIMARY KEY, verb TEXT NOT NULL, finished_at REAL NOT NULL)")
        }
        migrator.registerMigration("node-store-v2") { db in
            try db.execute(sql: "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        try migrator.migrate(queue)
    }

    package func args() async throws -> [String: TemplateValue] {
        try await queue.read { db in
            var out: [String: TemplateValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM args") {
                guard let key = TaskJournal.string(row, "key"), let text = TaskJournal.string(row, "value") else { continue }
                out[key] = (try? JSONDecoder().decode(TemplateValue.self, from: Data(text.utf8))) ?? .string(text)
            }
            return out
        }
    }

    /// Sets an arg; with `extend`, a list is appended to and a map merged into the current value.
    package func setArg(_ key: String, _ value: TemplateValue, extend: Bool = false) async throws {
        var value = value
        if extend, let current = try await args()[key] {
            switch (current, value) {
            case (.list(let a), .list(let b)): value = .list(a + b)
            case (.list(let a), let b): value = .list(a + [b])
            case (.map(let a), .map(let b)): value = .map(a.merging(b) { $1 })
            default: break
            }
        }
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO args (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, text])
        }
    }

    package func envs() async throws -> [String: String] {
        try await queue.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM envs") {
                if let key = TaskJournal.string(row, "key"), let value = TaskJournal.string(row, "value") { out[key] = value }
            }
            return out
        }
    }

    package func setEnv(_ key: String, _ value: String, extend: Bool = false) async throws {
        var combined = value
        if extend, let current = try await envs()[key], !current.isEmpty { combined = current + " " + value }
        let final = combined
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO envs (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, final])
        }
    }

    package func isCached(_ fingerprint: String) async throws -> Bool {
        try await queue.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM cache WHERE fingerprint = ?", arguments: [fingerprint]) ?? false }
    }

    package func remember(_ fingerprint: String, verb: String) async throws {
        try await queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO cache (fingerprint, verb, finished_at) VALUES (?, ?, ?)",
                arguments: [fingerprint, verb, Date().timeIntervalSince1970]
            )
        }
    }

    /// CACHEEVICT: `all`, `args`, `envs`, `jobs` (the job cache), `query` (the query arg), or one arg key.
    package func evict(_ what: String) async throws {
        try await queue.write { db in
            switch what {
            case "all":
                try db.execute(sql: "DELETE FROM args")
                try db.execute(sql: "DELETE FROM envs")
                try db.execute(sql: "DELETE FROM cache")
            case "args": try db.execute(sql: "DELETE FROM args")
            case "envs": try db.execute(sql: "DELETE FROM envs")
            case "jobs", "parents": try db.execute(sql: "DELETE FROM cache")
            default: try db.execute(sql: "DELETE FROM args WHERE key = ?", arguments: [what])
            }
        }
    }

    /// Merges QUERY results (`{node: {KEY: value}}`, JSON) into the `query` arg, in one write
    /// transaction (deliveries run concurrently).
    package func mergeQuery(_ json: String) async throws {
        guard case .map(let incoming) = try JSONDecoder().decode(TemplateValue.self, from: Data(json.utf8)) else { return }
        try await queue.write { db in
            var current: [String: TemplateValue] = [:]
            if let text = try String.fetchOne(db, sql: "SELECT value FROM args WHERE key = 'query'"),
                case .map(let existing) = try? JSONDecoder().decode(TemplateValue.self, from: Data(text.utf8))
            {
                current = existing
            }
            for (node, values) in incoming {
                var merged: [String: TemplateValue] = [:]
                if case .map(let m) = current[node] { merged = m }
                if case .map(let add) = values { for (k, v) in add { merged[k] = v } }
                current[node] = .map(merged)
            }
            let text = String(decoding: try JSONEncoder().encode(TemplateValue.map(current)), as: UTF8.self)
            try db.execute(sql: "INSERT INTO args (key, value) VALUES ('query', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [text])
        }
    }

    /// QUEUESENTINEL's watermark: batches issued before it run none of their not yet started tasks.
    package func dropBefore() async throws -> Date? {
        try await queue.read { db in
            try Double.fetchOne(db, sql: "SELECT CAST(value AS REAL) FROM state WHERE key = 'drop_before'").map { Date(timeIntervalSince1970: $0) }
        }
    }

    package func setDropBefore(_ date: Date) async throws {
        try await queue.write { db in
            try db.execute(
                // Never backwards: an older sentinel handled late keeps the newer watermark.
                sql: """
                    INSERT INTO state (key, value) VALUES ('drop_before', ?)
                    ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS REAL), CAST(excluded.value AS REAL))
                    """,
                arguments: [String(date.timeIntervalSince1970)]
            )
        }
    }

    /// Everything the node keeps for jobs, for `coxswain manage --dump-cache NODE`.
    package func dump() async throws -> [String: TemplateValue] {
        let args = try await args()
        let envs = try await envs()
        let jobs = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT fingerprint, verb, finished_at FROM cache ORDER BY finished_at").map { row -> TemplateValue in
                let finished = TaskJournal.double(row, "finished_at").flatMap { ValueRange.date(secondsSince1970: $0) }
                return .map([
                    "fingerprint": .string(TaskJournal.string(row, "fingerprint") ?? ""), "verb": .string(TaskJournal.string(row, "verb") ?? ""),
                    "finished_at": .string(finished.map { ISO8601DateFormatter().string(from: $0) } ?? "unknown"),
                ])
            }
        }
        return ["args": .map(args), "envs": .map(envs.mapValues { .string($0) }), "jobs": .list(jobs)]
    }
}
