import CoxswainAMQP
import Foundation
import CoxswainConfig
import CoxswainCore
import CoxswainMessaging
import CoxswainStore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds the Audit service group: Postgres, migrations, one consumer of every event, and the
/// batch loop that appends and then acks.
package enum AuditApp {
    package static func build(configuration: AuditConfiguration, logger: Logger) throws -> ServiceGroup {
        let db = try DatabaseURL(configuration.common.databaseURL ?? "")
        let postgres = PostgresClient.coxswain(host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, logger: logger)
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL ?? "")
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-audit"
        let consumer = AMQPConsumer(
            configuration: amqp, queue: Topology.auditEvents.name, prefetch: UInt16(configuration.prefetch), topology: Topology.audit, logger: logger
        )
        let recorder = AuditRecorder(repository: AuditRepository(client: postgres, logger: logger), logger: logger)
        let migrated = OnceGate()
        let batchSize = configuration.batchSize
        let loop = LoopService("audit") {
            await migrated.wait()
            let batcher = DeliveryBatcher()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await batcher.pump(consumer.deliveries) }
                var backoff = Duration.milliseconds(100)
                while let batch = await batcher.next(max: batchSize) {
                    do {
                        try await recorder.append(batch)
                        for d in batch { consumer.ack(d) }
                        backoff = .milliseconds(100)
                    } catch {
                        if Task.isCancelled { break }
                        logger.warning("audit append failed; requeueing", metadata: ["error": "\(error)"])
                        try await Task.sleep(for: backoff)
                        backoff = min(backoff * 2, .seconds(5))
                        for d in batch { consumer.nack(d, requeue: true) }
                    }
                }
                group.cancelAll()
            }
        }
        let repository = AuditRepository(client: postgres, logger: logger)
        let retention = configuration.retention
        let pruner = LoopService("audit-retention") {
            await migrated.wait()
            while !Task.isCancelled {
                do {
                    let deleted = try await repository.prune(before: Date().addingTimeInterval(-retention.seconds))
                    if deleted > 0 { logger.notice("audit records pruned", metadata: ["audit.pruned": "\(deleted)"]) }
                } catch is CancellationError { return } catch {
                    logger.warning("audit pruning failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(3600))
            }
        }
        return ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: postgres),
                    .init(service: MigrationService(client: postgres, gate: migrated, logger: logger)),
                    .init(service: consumer),
                    .init(service: loop),
                    .init(service: pruner),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
