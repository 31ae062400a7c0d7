import Logging
import PostgresNIO

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

extension PostgresClient {
    /// `withTransaction`, but an error thrown by `body` (and rolled back cleanly) comes out as itself
    /// rather than wrapped in `PostgresTransactionError`, so callers can match their own error types.
    package func transaction<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> sending T) async throws -> T {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError, error.rollbackError == nil { throw inner }
            throw error
        }
    }
}
