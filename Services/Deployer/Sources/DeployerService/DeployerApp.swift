import AsyncHTTPClient
import CoxswainAMQP
import CoxswainConfig
import CoxswainContainerEngine
import CoxswainCore
import CoxswainMessaging
import CoxswainObservability
import Foundation
import Logging
import ServiceLifecycle

/// Builds the Deployer's service group: its publisher, its node queue consumer, the batch loop
/// and the heartbeat loop.
package enum DeployerApp {
    /// The node's identity, enrolling it first when it never was (needs `deployer.enrol_token` and
    /// `deployer.gateway_url`).
    package static func enrolledIdentity(configuration: DeployerConfiguration, logger: Logger) async throws -> NodeIdentity {
        let node = configuration.nodeName
        var identity = try NodeIdentity.load(directory: configuration.stateDirectory)
        if let existing = identity.credentials, existing.node != node.rawValue {
            throw EnrolmentError(description: "state directory \(configuration.stateDirectory) belongs to node \(existing.node), not \(node)")
        }
        if identity.credentials == nil {
            guard let token = configuration.enrolToken, let gateway = configuration.gatewayURL else {
                throw EnrolmentError(
                    description:
                        "node \(node) is not enrolled: start it once with --enrol-token TOKEN --gateway-url URL (an admin gets a token with `coxswain node add \(node)`)"
                )
            }
            var response = try await Enroller.enrol(
                gatewayURL: gateway,
                request: EnrolRequest(
                    node: node.rawValue, token: token, machineID: configuration.machineID,
                    signingPublicKey: identity.signing.publicKey.base64, sealingPublicKey: identity.sealing.publicKey.base64
                ),
                configuration: configuration.httpClientConfiguration
            )
            response.gatewayURL = gateway
            try NodeIdentity.saveCredentials(response, directory: configuration.stateDirectory)
            identity.credentials = response
            logger.notice("node enrolled", metadata: ["node.team": "\(response.teamID)"])
        }
        return identity
    }

    /// Loads (or creates) the node's identity, enrols on first start with `deployer.enrol_token`,
    /// and builds the group. An enrolled node uses its own broker user, which may declare nothing.
    package static func build(configuration: DeployerConfiguration, observability: Observability = Observability(), logger: Logger) async throws -> ServiceGroup
    {
        let logger = {
            var l = logger
            l[metadataKey: "node.name"] = "\(configuration.nodeName)"
            return l
        }()
        let node = configuration.nodeName
        let identity = try await enrolledIdentity(configuration: configuration, logger: logger)
        guard let credentials = identity.credentials else { throw EnrolmentError(description: "no credentials") }
        var amqp = try AMQPConfiguration(url: credentials.amqpURL)
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-deployer-\(node)"
        // A node whose broker user was revoked (removed, or re-enrolled elsewhere) stops after about a
        // minute of refused logins instead of retrying forever; the process exits with an error.
        amqp.loginRefusalLimit = 12
        let publisher = AMQPPublisher(configuration: amqp, topology: .empty, logger: logger)
        // More deliveries than slots: a QUEUESENTINEL or QUERY delivery arrives while every slot is busy.
        let consumer = AMQPConsumer(
            configuration: amqp, queue: credentials.queue, prefetch: UInt16(min(configuration.concurrency + 16, 65_535)), topology: .empty, logger: logger
        )
        let journal = try TaskJournal(directory: configuration.stateDirectory)
        let store = try NodeStore(journal: journal)
        let trust = TrustStore(identity: identity, credentials: credentials, directory: configuration.stateDirectory)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration.httpClientConfiguration)
        // The container engine (its client has no read timeout of its own: it bounds every call itself).
        let engine = NodeEngine(configuredSocket: configuration.containerSocket, httpClient: http, logger: logger)
        // The port proxy runs from this same executable, as a process of its own (`--port-proxy`).
        let proxy = PortProxyControl.ownExecutable.map { PortProxyControl(stateDirectory: configuration.stateDirectory, executable: $0, logger: logger) }
        let agent = Agent(
            node: node, team: TeamID(credentials.teamID), trust: trust, journal: journal, publisher: publisher,
            verbs: VerbHandlers.directord(store: store, trust: trust, engine: engine, proxy: proxy, stateDirectory: configuration.stateDirectory),
            environment: configuration.jobEnvironment(from: ProcessInfo.processInfo.environment), outputLimit: configuration.outputLimit, store: store,
            artifacts: (configuration.gatewayURL ?? credentials.gatewayURL).map { gateway in
                ArtifactFetcher(gatewayURL: gateway, node: node, signingKey: { trust.signingKey }, client: http)
            },
            rebootCommand: configuration.rebootCommand, concurrency: configuration.concurrency, logger: logger
        )
        let startedAt = Date()
        let recovered = OnceGate()

        // The node queue carries two types: key hand-overs, applied in order before any later batch is
        // looked at, and signed task batches, run concurrently (the agent bounds the tasks it runs).
        // Settled by the one consumer rule (`DeliveryLoop`): a batch that cannot be decoded or a
        // hand-over that does not verify is dead-lettered and reported; a failure of the node itself
        // (its store, the broker) is requeued after a back-off.
        let tasks = LoopService("tasks") {
            await recovered.wait()
            await DeliveryLoop(
                consumer: consumer, maxBatch: 1, logger: logger, label: SignedTaskBatch.messageType,
                deadLettered: { delivery, reason in
                    guard delivery.properties.type != KeyHandover.messageType else { return }
                    try? await agent.refuse(reason: "unsigned or malformed task batch (type \(delivery.properties.type ?? "none")): \(reason)")
                }
            ).runConcurrently(
                decode: { $0 },
                inOrder: { $0.properties.type == KeyHandover.messageType },
                handler: { delivery in
                    if delivery.properties.type == KeyHandover.messageType {
                        do {
                            try await agent.handle(try delivery.decode(KeyHandover.self))
                        } catch {
                            logger.error("key hand-over not processed", metadata: ["error": "\(error)"])
                            throw PoisonMessage("key hand-over not processed: \(error)")
                        }
                        return
                    }
                    try await agent.handle(try delivery.decode(SignedTaskBatch.self), redelivered: delivery.redelivered)
                }
            )
        }
        let heartbeats = LoopService("heartbeats") {
            // Before any task runs: what rollouts interrupted by a crash left goes back to what ran before.
            await RolloutRecovery(stateDirectory: configuration.stateDirectory, engine: engine, proxy: proxy, logger: logger).run()
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
                var beat = NodeHeartbeat(
                    node: node, machineID: configuration.machineID, version: CoxswainVersion.current, hostUptimeSeconds: HostInfo.uptimeSeconds(),
                    agentStartedAt: startedAt, sentAt: Date(), labels: configuration.labels, intervalSeconds: configuration.heartbeatInterval.seconds
                )
                // A proxy that died (or a node that rebooted) serves the deployments' ports again.
                await proxy?.keepServing()
                beat.engine = await engine.report()
                beat.deployments = await engine.observedDeployments()
                do {
                    // Signed like results: the Scheduler records a heartbeat only with this node's enrolled key.
                    let signed = try MessageSigning.sign(beat, with: trust.signingKey)
                    try await publisher.publish([try OutgoingMessage(signed, exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(node))])
                } catch is CancellationError { return } catch {
                    logger.warning("heartbeat not sent", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: configuration.heartbeatInterval)
            }
        }
        // A node has no database: ready = the broker connected and the task journal recovered.
        let readiness = Readiness([
            .broker(publisher: publisher, consumers: [consumer]), ReadinessCheck("recovery") { recovered.isOpen ? nil : "task journal not recovered yet" },
        ])
        let listener = observability.listener(
            host: configuration.common.metricsListen?.host, port: configuration.common.metricsListen?.port, readiness: readiness, logger: logger)
        return ServiceGroup(
            configuration: .init(
                services: (listener.map { [.init(service: $0)] } ?? []) + [
                    .init(service: publisher), .init(service: consumer), .init(service: heartbeats), .init(service: tasks),
                    .init(service: ShutdownHook { try? await http.shutdown() }),
                ],
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
