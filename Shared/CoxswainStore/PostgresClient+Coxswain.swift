import Logging
import PostgresNIO
import Synchronization

extension PostgresClient {
    /// A pooled client for Coxswain's database (plain TCP on loopback; TLS preferred elsewhere).
    package static func coxswain(
        host: String, port: Int, user: String, password: String?, database: String, maximumConnections: Int = 10,
        logger: Logger
    ) -> PostgresClient {
        let isLoopback = host == "127.0.0.1" || host == "localhost" || host == "::1"
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: isLoopback ? .disable : .prefer(.makeClientConfiguration())
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 1
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}

/// The database connection was lost in the middle of a transaction: nothing of it was committed
/// (or, for a lost COMMIT, the outcome is unknown). Retriable; handlers are idempotent.
package struct DatabaseConnectionLost: Error, CustomStringConvertible {
    package let during: String
    package init(during: String) { self.during = during }
    package var description: String { "the database connection was lost during \(during)" }
}

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection: BEGIN, body, COMMIT; ROLLBACK when
    /// `body` throws. An error thrown by `body` comes out as itself.
    ///
    /// Unlike PostgresNIO's `withTransaction`, it never sends a statement on a connection that has
    /// closed: PostgresNIO 1.33 writes such a statement into the closed channel and never completes
    /// it, so a ROLLBACK after the server died (a PostgreSQL restart) hung the caller forever, with
    /// its broker deliveries unacknowledged (the cause of results lost across a database restart).
    /// A connection that died mid-transaction needs no ROLLBACK: the server discards the transaction.
    package func transaction<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> sending T) async throws -> T {
        try await withConnection { conn in
            try await conn.guardedQuery("BEGIN;", logger: logger)
            let value: T
            do {
                value = try await body(conn)
            } catch {
                if error is DatabaseTimeout {
                    // A statement is stuck on this connection: close it (the server rolls back) rather than queue a ROLLBACK behind it.
                    Task { try? await conn.close() }
                } else if !conn.isClosed, !Self.isConnectionLoss(error) {
                    _ = try? await conn.guardedQuery("ROLLBACK;", logger: logger)
                }
                throw error
            }
            guard !conn.isClosed else { throw DatabaseConnectionLost(during: "the transaction (nothing was committed)") }
            try await conn.guardedQuery("COMMIT;", logger: logger)
            return value
        }
    }

    /// Whether an error means the connection is gone (so nothing more may be sent on it).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is DatabaseConnectionLost { return true }
        guard let e = error as? PSQLError else { return false }
        return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(e.code)
    }
}

/// A statement that got no answer within its deadline (see ``PostgresClient/guardedQuery(_:logger:timeout:)``). Retriable.
package struct DatabaseTimeout: Error, CustomStringConvertible {
    package let timeout: Duration
    package init(timeout: Duration) { self.timeout = timeout }
    package var description: String { "the database did not answer within \(timeout) (unreachable, or restarting)" }
}

/// Every statement Coxswain sends goes through these: PostgresNIO 1.33 never completes a statement
/// written into a connection whose socket has just closed (a database restart), which hung the
/// caller forever. A guarded statement fails with ``DatabaseConnectionLost`` on a closed connection
/// and with ``DatabaseTimeout`` after its deadline (waiting for a pooled connection included);
/// the stuck attempt is abandoned.
extension PostgresClient {
    @discardableResult
    package func guardedQuery(_ query: PostgresQuery, logger: Logger, timeout: Duration = .seconds(20)) async throws -> PostgresRowSequence {
        try await StatementDeadline.run(timeout) { try await self.query(query, logger: logger) }
    }
}

extension PostgresConnection {
    @discardableResult
    package func guardedQuery(_ query: PostgresQuery, logger: Logger, timeout: Duration = .seconds(20)) async throws -> PostgresRowSequence {
        guard !isClosed else { throw DatabaseConnectionLost(during: "a statement") }
        return try await StatementDeadline.run(timeout) { try await self.query(query, logger: logger) }
    }
}

/// Races an operation against a deadline without waiting for the operation once the deadline has
/// passed (structured concurrency would wait for a child that never returns).
enum StatementDeadline {
    static func run<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let gate = ResumeOnce<T>()
        return try await withCheckedThrowingContinuation { continuation in
            gate.set(continuation)
            let timer = Task {
                try await Task.sleep(for: timeout)
                gate.resume(.failure(DatabaseTimeout(timeout: timeout)))
            }
            Task {
                let result: Result<T, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                timer.cancel()
                gate.resume(result)
            }
        }
    }
}

/// Resumes a continuation at most once, from whichever side comes first.
final class ResumeOnce<T: Sendable>: Sendable {
    private let state = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<T, any Error>) { state.withLock { $0 = continuation } }

    func resume(_ result: Result<T, any Error>) {
        let continuation = state.withLock { c -> CheckedContinuation<T, any Error>? in
            defer { c = nil }
            return c
        }
        continuation?.resume(with: result)
    }
}
