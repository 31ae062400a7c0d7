import CoxswainRuntime
import Logging
import PostgresNIO
import ServiceLifecycle

/// Applies migrations once the Postgres client runs, then opens `gate` so the service's handlers
/// start; stays up until shutdown. A migration failure stops the whole service group.
package struct MigrationService: Service {
    let client: PostgresClient
    let gate: OnceGate
    let logger: Logger

    package init(client: PostgresClient, gate: OnceGate, logger: Logger) {
        self.client = client
        self.gate = gate
        self.logger = logger
    }

    package func run() async throws {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                let applied = try await Migrator().migrate(client, logger: logger)
                logger.info("database ready", metadata: ["db.migrations_applied": "\(applied)"])
                break
            } catch let error as PSQLError where error.code == .connectionError || error.code == .serverClosedConnection {
                // Postgres not reachable yet: keep trying until shutdown.
                logger.warning("database not reachable; retrying", metadata: ["error": "\(String(reflecting: error.code))"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        gate.open()
        try? await gracefulShutdown()
    }
}
