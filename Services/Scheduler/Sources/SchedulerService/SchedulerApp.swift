import CoxswainAMQP
import CoxswainConfig
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainStore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds the Scheduler's service group: Postgres client, migrations, publisher, three consumers
/// (submissions, results, heartbeats) with their handler loops, and the sweeper.
package enum SchedulerApp {
    package static func build(configuration: SchedulerConfiguration, observability: Observability = Observability(), logger: Logger) throws -> ServiceGroup {
        let db = try DatabaseURL(configuration.common.databaseURL ?? "")
        let postgres = PostgresClient.coxswain(host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, logger: logger)
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL ?? "")
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-scheduler"
        let publisher = AMQPPublisher(configuration: amqp, topology: Topology.scheduler, logger: logger)
        let prefetch = UInt16(configuration.prefetch)
        let jobsConsumer = AMQPConsumer(
            configuration: amqp, queue: Topology.schedulerJobs.name, prefetch: min(prefetch, 64), topology: Topology.scheduler, logger: logger)
        let resultsConsumer = AMQPConsumer(
            configuration: amqp, queue: Topology.schedulerResults.name, prefetch: prefetch, topology: Topology.scheduler, logger: logger)
        let heartbeatConsumer = AMQPConsumer(
            configuration: amqp, queue: Topology.schedulerHeartbeats.name, prefetch: prefetch, topology: Topology.scheduler, logger: logger)

        let masterKey = try SecretBox(base64Key: configuration.security.masterKey)
        let scheduler = Scheduler(
            repository: SchedulerRepository(client: postgres, logger: logger),
            delivery: DeliveryRepository(client: postgres, masterKey: masterKey, logger: logger),
            nodes: NodeRepository(client: postgres, logger: logger),
            keys: ControlKeyRepository(client: postgres, masterKey: masterKey, logger: logger), masterKey: masterKey,
            publisher: publisher, configuration: configuration, logger: logger
        )
        let migrated = OnceGate()
        let batch = configuration.batchSize

        // A node speaks only for itself: the node in the routing key (bound to its broker user by
        // topic permissions) must be the one the message names; anything else is dead-lettered and audited.
        let deadLettered: @Sendable (AMQPDelivery, String) async -> Void = { delivery, reason in
            await scheduler.auditDeadLetter(routingKey: delivery.routingKey, type: delivery.properties.type, reason: reason)
        }
        let jobsLoop = LoopService("submissions") {
            await migrated.wait()
            await MessageLoop<JobSubmitted>(consumer: jobsConsumer, maxBatch: 32, logger: logger, deadLettered: deadLettered) { received in
                for r in received { try await scheduler.plan(r.message.jobID) }
            }.run()
        }
        let resultsLoop = LoopService("results") {
            await migrated.wait()
            await MessageLoop<SignedTaskResult>(
                consumer: resultsConsumer, maxBatch: batch, logger: logger,
                refuse: {
                    Topology.RoutingKey.nodeMessageProblem(
                        routingKey: $0.delivery.routingKey, type: $0.delivery.properties.type ?? SignedTaskResult.messageType, claimedNode: $0.message.node)
                },
                deadLettered: deadLettered
            ) { received in
                try await scheduler.ingest(signedResults: received.map(\.message))
            }.run()
        }
        let heartbeatLoop = LoopService("heartbeats") {
            await migrated.wait()
            await MessageLoop<SignedHeartbeat>(
                consumer: heartbeatConsumer, maxBatch: batch, logger: logger,
                refuse: {
                    Topology.RoutingKey.nodeMessageProblem(
                        routingKey: $0.delivery.routingKey, type: $0.delivery.properties.type ?? SignedHeartbeat.messageType, claimedNode: $0.message.node)
                },
                deadLettered: deadLettered
            ) { received in
                try await scheduler.ingest(signedHeartbeats: received.map(\.message))
            }.run()
        }
        let sweeper = LoopService("sweeper") {
            await migrated.wait()
            while !Task.isCancelled {
                do { try await scheduler.sweep() } catch is CancellationError { return } catch {
                    logger.warning("sweep failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: configuration.sweepInterval)
            }
        }

        let databaseHealth = DatabaseHealth(client: postgres, logger: logger)
        let readiness = Readiness([
            .broker(publisher: publisher, consumers: [jobsConsumer, resultsConsumer, heartbeatConsumer]),
            .migrations { migrated.isOpen }, .database { databaseHealth.problem },
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
                    .init(service: jobsConsumer),
                    .init(service: resultsConsumer),
                    .init(service: heartbeatConsumer),
                    .init(service: jobsLoop),
                    .init(service: resultsLoop),
                    .init(service: heartbeatLoop),
                    .init(service: sweeper),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
