import CoxswainAMQP
import CoxswainConfig
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainNotify
import CoxswainObservability
import CoxswainStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds the Audit service group: Postgres, migrations, one consumer of every event, and the
/// batch loop that appends and then acks.
package enum AuditApp {
    package static func build(configuration: AuditConfiguration, observability: Observability = Observability(), logger: Logger) throws -> ServiceGroup {
        let db = try DatabaseURL(configuration.common.databaseURL ?? "")
        let postgres = PostgresClient.coxswain(host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, logger: logger)
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL ?? "")
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-audit"
        let consumer = AMQPConsumer(
            configuration: amqp, queue: Topology.auditEvents.name, prefetch: UInt16(configuration.prefetch), topology: Topology.audit, logger: logger
        )
        let migrated = OnceGate()
        let sender = WebhookSender(policy: WebhookTargetPolicy(allowPrivateTargets: configuration.allowPrivateTargets), logger: logger)
        let dispatcher = NotificationDispatcher(
            repository: NotificationRepository(client: postgres, masterKey: try SecretBox(base64Key: configuration.security.masterKey), logger: logger),
            sender: sender, logger: logger
        )
        let recorder = AuditRecorder(
            repository: AuditRepository(client: postgres, logger: logger), nodes: NodeRepository(client: postgres, logger: logger), notifications: dispatcher,
            logger: logger
        )
        let deliveries = LoopService("notifications") {
            await migrated.wait()
            while !Task.isCancelled {
                do {
                    if try await dispatcher.dispatchDue() == 0 { try await Task.sleep(for: .milliseconds(500)) }
                } catch is CancellationError { return } catch {
                    logger.warning("notification dispatch failed", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
        let batchSize = configuration.batchSize
        let loop = LoopService("audit") {
            await migrated.wait()
            // Append, then ack; refused node messages (recorded as refusals) are dead-lettered.
            await DeliveryLoop(consumer: consumer, maxBatch: batchSize, logger: logger, label: "audit")
                .run(decode: { $0 }) { batch in
                    let refused = Set(try await recorder.append(batch).map(\.deliveryTag))
                    var out: [Int: String] = [:]
                    for (i, d) in batch.enumerated() where refused.contains(d.deliveryTag) { out[i] = "refused node message (audited as message.refused)" }
                    return out
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
        let databaseHealth = DatabaseHealth(client: postgres, logger: logger)
        let readiness = Readiness([.broker(publisher: nil, consumers: [consumer]), .migrations { migrated.isOpen }, .database { databaseHealth.problem }])
        let listener = observability.listener(
            host: configuration.common.metricsListen?.host, port: configuration.common.metricsListen?.port, readiness: readiness, logger: logger)
        return ServiceGroup(
            configuration: .init(
                services: (listener.map { [.init(service: $0)] } ?? []) + [
                    .init(service: postgres),
                    .init(service: databaseHealth),
                    .init(service: MigrationService(client: postgres, gate: migrated, logger: logger)),
                    .init(service: consumer),
                    .init(service: loop),
                    .init(service: pruner),
                    .init(service: deliveries),
                    .init(service: ShutdownHook { await sender.shutdown() }),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
