import CoxswainAMQP
import CoxswainConfig
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds the Bootstrapper's service group: Postgres, migrations, the publisher, and a consumer
/// of bootstrap requests that runs up to `bootstrapper.concurrent_runs` runs at once. A request
/// is acknowledged when its run is finished and recorded, so a crash resumes it elsewhere.
package enum BootstrapperApp {
    package static func build(configuration: BootstrapperConfiguration, observability: Observability = Observability(), logger: Logger) throws -> ServiceGroup {
        let db = try DatabaseURL(configuration.common.databaseURL ?? "")
        let postgres = PostgresClient.coxswain(host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, logger: logger)
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL ?? "")
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-bootstrapper"
        let publisher = AMQPPublisher(configuration: amqp, topology: Topology.bootstrapper, logger: logger)
        let consumer = AMQPConsumer(
            configuration: amqp, queue: Topology.bootstrapRequests.name, prefetch: UInt16(configuration.concurrentRuns), topology: Topology.bootstrapper,
            logger: logger
        )
        let migrated = OnceGate()
        let runner = BootstrapRunner(
            repository: BootstrapRepository(client: postgres, logger: logger), artifacts: ArtifactRepository(client: postgres, logger: logger),
            nodes: NodeRepository(client: postgres, logger: logger), masterKey: try SecretBox(base64Key: configuration.security.masterKey),
            publisher: publisher, configuration: configuration, logger: logger
        )
        // Concurrent: a run takes minutes; as many run at once as the prefetch (bootstrapper.concurrent_runs) lets in.
        let loop = LoopService("bootstrap-runs") {
            await migrated.wait()
            await MessageLoop<BootstrapRequested>(
                consumer: consumer, maxBatch: 1, logger: logger,
                deadLettered: { delivery, reason in
                    let event = AuditEvent.messageRefused(
                        routingKey: delivery.routingKey, type: delivery.properties.type, reason: reason, team: nil, by: "bootstrapper")
                    do { try await publisher.publish([try OutgoingMessage(audit: event)]) } catch {
                        logger.warning("dead letter not audited", metadata: ["error": "\(error)"])
                    }
                },
                handler: { requests in
                    for request in requests { try await runner.run(request.message.runID) }
                }
            ).runConcurrently()
        }
        let databaseHealth = DatabaseHealth(client: postgres, logger: logger)
        let readiness = Readiness([
            .broker(publisher: publisher, consumers: [consumer]), .migrations { migrated.isOpen }, .database { databaseHealth.problem },
        ])
        let listener = observability.listener(
            host: configuration.common.metricsListen?.host, port: configuration.common.metricsListen?.port, readiness: readiness, logger: logger)
        return ServiceGroup(
            configuration: .init(
                services: (listener.map { [.init(service: $0)] } ?? []) + [
                    .init(service: postgres),
                    .init(service: databaseHealth),
                    .init(service: MigrationService(client: postgres, gate: migrated, logger: logger)),
                    .init(service: publisher),
                    .init(service: consumer),
                    .init(service: loop),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
