import CoxswainCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Whether the database answers, probed every `interval` with a guarded `SELECT 1`. Logs each
/// change once ("database unreachable" / "database reachable again after N s"), and tells health
/// endpoints "degraded: database unreachable since …" meanwhile.
package final class DatabaseHealth: Service, Sendable {
    private let client: PostgresClient
    private let interval: Duration
    private let logger: Logger
    private let unreachableSince = Mutex<Date?>(nil)

    package init(client: PostgresClient, interval: Duration = .seconds(2), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Nil while the database answers; otherwise why not, for a health endpoint.
    package var problem: String? {
        unreachableSince.withLock { $0 }.map { "degraded: database unreachable since \(WireCoding.formatDate($0))" }
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let ok = (try? await self.client.guardedQuery("SELECT 1", logger: self.logger, timeout: .seconds(2))) != nil
                self.record(reachable: ok)
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// Records a probe's outcome (also from other calls that saw the database fail or answer).
    package func record(reachable: Bool) {
        let change = unreachableSince.withLock { since -> (Bool, Date?)? in
            if reachable, let s = since {
                since = nil
                return (true, s)
            }
            if !reachable, since == nil {
                since = Date()
                return (false, nil)
            }
            return nil
        }
        guard let (back, since) = change else { return }
        if back, let since {
            logger.notice("database reachable again", metadata: ["db.unreachable_seconds": "\(String(format: "%.1f", Date().timeIntervalSince(since)))"])
        } else {
            logger.warning("database unreachable; work is held and retried until it answers")
        }
    }
}
