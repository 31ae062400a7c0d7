import CoxswainAMQP
import CoxswainConfig
import CoxswainCore
import CoxswainMessaging
import Foundation
import Logging
import ServiceLifecycle

/// Builds the Deployer's service group: its publisher, its node queue consumer, the batch loop
/// and the heartbeat loop.
package enum DeployerApp {
    package static func build(configuration: DeployerConfiguration, logger: Logger) throws -> ServiceGroup {
        let logger = {
            var l = logger
            l[metadataKey: "node.name"] = "\(configuration.nodeName)"
            return l
        }()
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL)
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-deployer-\(configuration.nodeName)"
        let node = configuration.nodeName
        let topology = Topology.deployer(node)
        let publisher = AMQPPublisher(configuration: amqp, topology: topology, logger: logger)
        let consumer = AMQPConsumer(
            configuration: amqp, queue: Topology.nodeQueue(node).name, prefetch: UInt16(configuration.concurrency), topology: topology, logger: logger
        )
        let journal = try TaskJournal(directory: configuration.stateDirectory)
        let agent = Agent(
            node: node, journal: journal, publisher: publisher, environment: ProcessInfo.processInfo.environment,
            outputLimit: configuration.outputLimit, logger: logger
        )
        let startedAt = Date()
        let recovered = OnceGate()

        let tasks = LoopService("tasks") {
            await recovered.wait()
            await withDiscardingTaskGroup { group in
                for await delivery in consumer.deliveries {
                    group.addTask {
                        do {
                            let batch = try delivery.decode(TaskBatch.self)
                            try await agent.handle(batch)
                            consumer.ack(delivery)
                        } catch let error as UndecodableMessage {
                            logger.error("dead-lettering undecodable task batch", metadata: ["error": "\(error)"])
                            consumer.reject(delivery, requeue: false)
                        } catch is CancellationError {
                            consumer.nack(delivery, requeue: true)
                        } catch {
                            logger.warning("task batch failed; requeueing", metadata: ["error": "\(error)"])
                            try? await Task.sleep(for: .milliseconds(500))
                            consumer.nack(delivery, requeue: true)
                        }
                    }
                }
            }
        }
        let heartbeats = LoopService("heartbeats") {
            var delay = Duration.milliseconds(200)
            while !Task.isCancelled {
                do {
                    try await agent.recover()
                    break
                } catch is CancellationError { return } catch {
                    logger.warning("recovery failed; retrying", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
            recovered.open()
            while !Task.isCancelled {
                let beat = NodeHeartbeat(
                    node: node, machineID: configuration.machineID, version: CoxswainVersion.current, hostUptimeSeconds: HostInfo.uptimeSeconds(),
                    agentStartedAt: startedAt, sentAt: Date(), labels: configuration.labels, intervalSeconds: configuration.heartbeatInterval.seconds
                )
                do {
                    try await publisher.publish([try OutgoingMessage(beat, exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(node))])
                } catch is CancellationError { return } catch {
                    logger.warning("heartbeat not sent", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: configuration.heartbeatInterval)
            }
        }
        return ServiceGroup(
            configuration: .init(
                services: [.init(service: publisher), .init(service: consumer), .init(service: heartbeats), .init(service: tasks)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}

/// Facts about the host for heartbeats.
package enum HostInfo {
    /// Seconds since boot (from /proc/uptime), or 0 when unknown.
    package static func uptimeSeconds() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8), let first = s.split(separator: " ").first else { return 0 }
        return Double(first) ?? 0
    }
}

