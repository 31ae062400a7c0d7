import Logging
import PostgresNIO

/// Applies pending migrations at service start, under a Postgres advisory lock so several replicas
/// starting at once apply each migration exactly once.
package struct Migrator: Sendable {
    /// Arbitrary constant naming Coxswain's migration lock.
    static let lockKey: Int64 = 0x636F_7873_7761_696E  // "coxswain"

    let migrations: [Migration]

    package init(migrations: [Migration] = Migration.all) {
        self.migrations = migrations
    }

    /// Returns the versions it applied (empty when the schema was current).
    @discardableResult
    package func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withConnection { conn in
            try await conn.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(on: conn, logger: logger)
                try await conn.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(on conn: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await conn.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """,
            logger: logger
        )
        var done = Set<Int>()
        for try await version in try await conn.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            try await conn.query("BEGIN", logger: logger)
            for statement in migration.statements {
                try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await conn.query(
                "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                logger: logger
            )
            try await conn.query("COMMIT", logger: logger)
            logger.info("migration applied", metadata: ["db.migration": "\(migration.version)-\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }
}
