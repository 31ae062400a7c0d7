import AsyncHTTPClient
import CoxswainAMQP
import CoxswainBrokerAdmin
import CoxswainConfig
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Builds the Gateway's service group: Postgres, migrations, publisher, its own event queue feeding
/// the stream hub, and the API on the UNIX socket and on HTTP.
package enum GatewayApp {
    package static func build(configuration: GatewayConfiguration, observability: Observability = Observability(), logger: Logger) throws -> ServiceGroup {
        let db = try DatabaseURL(configuration.common.databaseURL ?? "")
        let postgres = PostgresClient.coxswain(
            host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, maximumConnections: 20, logger: logger)
        var amqp = try AMQPConfiguration(url: configuration.common.amqpURL ?? "")
        amqp.heartbeat = configuration.common.amqpHeartbeat
        amqp.connectionName = "coxswain-gateway"
        let publisher = AMQPPublisher(configuration: amqp, topology: Topology.gateway, logger: logger)
        let instance = UUIDv4.string()
        let stream = Topology.gatewayStream(instance: instance)
        let eventConsumer = AMQPConsumer(
            configuration: amqp, queue: Topology.gatewayQueue(instance: instance).name, prefetch: 1000, topology: stream, logger: logger)
        let hub = EventHub()
        let migrated = OnceGate()
        let isMigrated = ManagedFlag()

        let pump = LoopService("event-stream") {
            await migrated.wait()
            isMigrated.set()
            // The one consumer loop, batched: every event is acked once the hub has it. The stream queue
            // is this replica's own (exclusive, auto-delete): an event it cannot use (malformed, or a
            // node's output chunk speaking for another node) is dropped here, not dead-lettered — the
            // Scheduler and Audit, which consume the same events durably, dead-letter and audit them.
            await DeliveryLoop(consumer: eventConsumer, maxBatch: 256, logger: logger, label: "gateway-events").run(decode: { $0 }) { deliveries in
                for delivery in deliveries { Self.forward(delivery, to: hub) }
                return [:]
            }
        }

        let access = AccessRepository(client: postgres, logger: logger)
        let nodes = NodeRepository(client: postgres, logger: logger)
        let masterKey = try SecretBox(base64Key: configuration.security.masterKey)
        let keys = ControlKeyRepository(client: postgres, masterKey: masterKey, logger: logger)
        var enrolment: NodeEnrolment?
        var brokerAdmin: BrokerAdmin?
        if let managementURL = configuration.managementURL {
            let admin = BrokerAdmin(configuration: try BrokerAdminConfiguration(managementURL: managementURL, vhost: amqp.vhost), logger: logger)
            brokerAdmin = admin
            var nodeBroker = amqp
            if let url = configuration.nodeBrokerURL {
                nodeBroker = try AMQPConfiguration(url: url)
            }
            enrolment = NodeEnrolment(
                nodes: nodes, keys: keys, admin: admin, publisher: publisher, broker: nodeBroker, tokenTTL: configuration.enrolmentTTL, logger: logger
            )
        } else {
            logger.warning("amqp.management_url not set: nodes cannot enrol through this gateway")
        }
        let databaseHealth = DatabaseHealth(client: postgres, logger: logger)
        let readiness = Readiness([
            .broker(publisher: publisher, consumers: [eventConsumer]), .migrations { isMigrated.isSet }, .database { databaseHealth.problem },
        ])
        let passwords = PasswordGuard(maximumConcurrent: configuration.maxPasswordHashes, attemptsPerMinute: configuration.loginRatePerMinute)
        let jobs = JobRepository(client: postgres, logger: logger, sealKey: masterKey)
        let artifacts = ArtifactRepository(client: postgres, logger: logger)
        let body = RequestBody(maxBytes: configuration.maxRequestBytes)
        let recorder = ActionRecorder(publisher: publisher, logger: logger)
        let streams = EventStreamResponder(hub: hub)
        // Registry checks and browsing: redirects are not followed with credentials (the client
        // follows a blob redirect itself, without them).
        // A refused connection fails at once instead of being retried until the connect timeout.
        var registryHTTPConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)), decompression: .disabled)
        registryHTTPConfiguration.connectionPool.retryConnectionEstablishment = false
        let registryHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: registryHTTPConfiguration)
        let registryRows = RegistryRepository(client: postgres, masterKey: masterKey, logger: logger)
        let registries = RegistriesController(registries: registryRows, httpClient: registryHTTP, body: body, recorder: recorder, logger: logger)
        let delivery = DeliveryRepository(client: postgres, masterKey: masterKey, logger: logger)
        let enqueuer = JobEnqueuer(jobs: jobs, publisher: publisher, publishTimeout: configuration.publishTimeout, logger: logger)
        let api = GatewayAPI(
            authenticator: Authenticator(
                access: access, localTeam: configuration.localTeam, localRole: configuration.localRole, passwords: passwords, deployTokens: delivery),
            recorder: recorder,
            health: HealthController(ready: {
                guard isMigrated.isSet else { return "starting: database migrations not applied yet" }
                if let problem = databaseHealth.problem { return problem }
                let answers = (try? await postgres.guardedQuery("SELECT 1", logger: logger, timeout: .seconds(2))) != nil
                databaseHealth.record(reachable: answers)
                return answers ? nil : databaseHealth.problem ?? "degraded: database unreachable"
            }),
            jobs: JobsController(
                jobs: jobs, nodes: nodes, artifacts: artifacts, masterKey: masterKey, enqueuer: enqueuer, body: body, recorder: recorder, streams: streams,
                logger: logger
            ),
            containers: ContainersController(nodes: nodes, registries: registries, masterKey: masterKey, enqueuer: enqueuer, body: body),
            registries: registries,
            products: ProductsController(delivery: delivery, registries: registryRows, body: body, recorder: recorder),
            deployments: DeploymentsController(
                delivery: delivery, nodes: nodes, registries: registries, registryRows: registryRows, masterKey: masterKey, enqueuer: enqueuer, body: body,
                recorder: recorder),
            nodes: NodesController(nodes: nodes, enrolment: enrolment, body: body, recorder: recorder),
            access: AccessController(access: access, passwords: passwords, sessionTTL: configuration.sessionTTL, body: body, recorder: recorder),
            audit: AuditController(audit: AuditRepository(client: postgres, logger: logger)),
            keys: KeysController(keys: keys, nodes: nodes, publisher: publisher, batchTTL: configuration.security.batchTTL, recorder: recorder),
            notifications: NotificationsController(
                notifications: NotificationRepository(client: postgres, masterKey: masterKey, logger: logger),
                allowPrivateTargets: configuration.allowPrivateTargets, body: body, recorder: recorder
            ),
            artifacts: ArtifactsController(
                artifacts: artifacts, nodes: nodes, maxArtifactBytes: configuration.maxArtifactBytes, recorder: recorder, logger: logger),
            bootstrap: BootstrapController(
                bootstrap: BootstrapRepository(client: postgres, logger: logger), artifacts: artifacts, masterKey: masterKey, publisher: publisher,
                publishTimeout: configuration.publishTimeout, body: body, recorder: recorder, streams: streams, logger: logger
            ),
            logger: logger
        )
        // The web UI at /ui/, over the same API calls (cookies marked Secure when serving HTTPS).
        let ui = try UIController(api: api, passwords: passwords, secureCookies: configuration.servesHTTPS, logger: logger)
        // The API's router with `/health/live` and `/health/ready` beside `/v1` (public; `/metrics` only
        // on the metrics.listen listener),
        // timed per route (`coxswain_http_request_duration_seconds`).
        let responder: @Sendable () -> HTTPMetricsResponder<RouterResponder<GatewayRequestContext>> = {
            let router = api.router()
            ui.addRoutes(to: router)
            observability.addHealthRoutes(to: router, readiness: readiness)
            return HTTPMetricsResponder(next: router.buildResponder(), routeName: GatewayMetrics.routeName)
        }
        // A connection silent for the idle timeout is closed, also half-way through sending a request
        // (a response being written, such as an event stream, is not cut).
        let (idleSeconds, idleAttoseconds) = configuration.httpIdleTimeout.components
        let server = HTTPServerBuilder.http1(
            configuration: .init(idleTimeout: .nanoseconds(idleSeconds * 1_000_000_000 + idleAttoseconds / 1_000_000_000))
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen = configuration.common.metricsListen {
            services.append(.init(service: observability.listener(host: listen.host, port: listen.port, readiness: readiness, logger: logger)!))
        }
        services += [
            .init(service: postgres),
            .init(service: databaseHealth),
            .init(service: MigrationService(client: postgres, gate: migrated, logger: logger)),
            .init(service: publisher),
            .init(service: eventConsumer),
            .init(service: pump),
        ]
        if let path = configuration.socketPath {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let mode = configuration.socketMode
            let group = configuration.socketGroup
            let app = Application(
                responder: LoginThrottle(next: responder(), passwords: passwords),
                server: server,
                configuration: .init(address: .unixDomainSocket(path: path), serverName: "coxswain-gateway"),
                onServerRunning: { _ in
                    chmod(path, mode_t(mode))
                    if let group, let entry = getgrnam(group) {
                        chown(path, uid_t.max, entry.pointee.gr_gid)
                    } else if let group {
                        logger.error("socket group not found; socket keeps its group", metadata: ["gateway.socket_group": "\(group)"])
                    }
                    logger.info("API listening on UNIX socket", metadata: ["gateway.socket_path": "\(path)"])
                },
                logger: logger
            )
            services.append(.init(service: app))
        }
        if configuration.httpPort != 0 {
            // HTTPS when a certificate and key are configured; plain HTTP otherwise (loopback only,
            // unless gateway.allow_plain_http: checked with the configuration).
            var httpServer = server
            if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
                httpServer = try HTTPServerBuilder.tls(server, tlsConfiguration: GatewayTLS.serverConfiguration(certificatePath: certificate, keyPath: key))
            }
            let scheme = configuration.servesHTTPS ? "https" : "http"
            logger.info(
                "API listening on \(scheme)", metadata: ["gateway.http_host": "\(configuration.httpHost)", "gateway.http_port": "\(configuration.httpPort)"])
            let app = Application(
                responder: LoginThrottle(next: responder(), passwords: passwords),
                server: httpServer,
                configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "coxswain-gateway"),
                logger: logger
            )
            services.append(.init(service: app))
        }
        if let brokerAdmin {
            services.append(.init(service: DeadLetterWatch(admin: brokerAdmin, publisher: publisher, logger: logger)))
            services.append(.init(service: ShutdownHook { await brokerAdmin.shutdown() }))
        }
        services.append(.init(service: ShutdownHook { try? await registryHTTP.shutdown() }))
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}

/// A flag set once, read from anywhere.
final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension GatewayApp {
    /// Hands one event to the hub for the streams that wait for it.
    static func forward(_ delivery: AMQPDelivery, to hub: EventHub) {
        switch delivery.properties.type {
        case JobEvent.messageType:
            if let event = try? delivery.decode(JobEvent.self) { hub.publish(event.jobID, .job(event, delivery.body)) }
        case OutputChunk.messageType:
            // Only a chunk that speaks for the node of its routing key; the stream then forwards it
            // only when that node has a task in the job (a node cannot write into other jobs' streams).
            if let chunk = try? delivery.decode(OutputChunk.self),
                Topology.RoutingKey.nodeMessageProblem(routingKey: delivery.routingKey, type: delivery.properties.type, claimedNode: chunk.node) == nil
            {
                hub.publish(chunk.jobID, .output(node: chunk.node.rawValue, delivery.body))
            }
        case BootstrapEvent.messageType:
            if let event = try? delivery.decode(BootstrapEvent.self) { hub.publish(JobID(event.runID), .bootstrap(event, delivery.body)) }
        default:
            break
        }
    }
}
