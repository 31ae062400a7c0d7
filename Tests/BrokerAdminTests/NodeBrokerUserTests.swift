import CoxswainCore
import Foundation
import Logging
import Testing

@testable import CoxswainAMQP
@testable import CoxswainBrokerAdmin

/// Per-node broker users against the real RabbitMQ named by `COXSWAIN_AMQP_URL` and
/// `COXSWAIN_AMQP_MANAGEMENT_URL`. Each test enrols two nodes of its own (unique names with
/// '-', '_' and '.'), declares their queues with the administrator's credentials, exactly as
/// the Gateway does at enrolment, and cleans up after itself.
@Suite(
    "node broker users against a real RabbitMQ", .serialized,
    .enabled(
        if: BrokerTestEnvironment.integrationEnabled, "set COXSWAIN_INTEGRATION=1, COXSWAIN_AMQP_URL and COXSWAIN_AMQP_MANAGEMENT_URL"),
    .timeLimit(.minutes(3)))
struct NodeBrokerUserTests {
    typealias Env = BrokerTestEnvironment

    static let commands = ExchangeDeclaration(name: "coxswain.commands", kind: .direct)
    static let events = ExchangeDeclaration(name: "coxswain.events", kind: .topic)
    static let deadLetters = ExchangeDeclaration(name: "coxswain.dead", kind: .fanout)

    /// Two enrolled nodes, the administrator's publisher, and an observer queue bound to both
    /// nodes' events (`node.<a>.#`, `node.<b>.#`).
    struct Fixture {
        let admin: BrokerAdmin
        let publisher: Running<AMQPPublisher>
        let observer: Running<AMQPConsumer>
        let stem: String
        let nodeA: String
        let nodeB: String
        let grantA: NodeBrokerGrant
        let grantB: NodeBrokerGrant
        let observerQueue: String

        var queueA: String { grantA.queue }
        var queueB: String { grantB.queue }

        /// A message as the Scheduler would send it to `node`, published with the admin's credentials.
        func sendCommand(to node: String, _ body: String) async throws {
            try await publisher.service.publish([
                OutgoingMessage(exchange: NodeBrokerUserTests.commands.name, routingKey: "node.\(node)", body: Array(body.utf8))
            ])
        }
    }

    static func nodeQueue(_ node: String) -> QueueDeclaration {
        QueueDeclaration(name: "coxswain.node.\(node)", durable: true, deadLetterExchange: deadLetters.name)
    }

    /// Enrols nodes `<stem>-a_1` and `<stem>-ax1` (a pattern that did not anchor a's name would also
    /// match b's names), runs `body`, then revokes both users and deletes the queues.
    static func withTwoNodes(_ prefix: String, _ body: (Fixture) async throws -> Void) async throws {
        let stem = Env.uniqueStem(prefix)
        let nodeA = "\(stem)-a_1"
        let nodeB = "\(stem)-ax1"
        let observerQueue = "test.\(stem).observer"
        let admin = BrokerAdmin(configuration: try Env.adminConfiguration(), logger: Env.logger("broker-admin"))
        let publisher = Running(
            AMQPPublisher(configuration: try Env.adminAMQP("test-admin-publisher"), topology: .empty, logger: Env.logger("admin-publisher"))
        )
        var observer: Running<AMQPConsumer>?
        do {
            try await admin.ensureVhost()
            // What the Gateway declares at enrolment, with administrator credentials.
            try await publisher.service.declare(
                TopologyDeclaration(
                    exchanges: [commands, events, deadLetters],
                    queues: [nodeQueue(nodeA), nodeQueue(nodeB), QueueDeclaration(name: observerQueue, durable: false)],
                    bindings: [
                        BindingDeclaration(queue: nodeQueue(nodeA).name, exchange: commands.name, routingKey: "node.\(nodeA)"),
                        BindingDeclaration(queue: nodeQueue(nodeB).name, exchange: commands.name, routingKey: "node.\(nodeB)"),
                        BindingDeclaration(queue: observerQueue, exchange: events.name, routingKey: "node.\(nodeA).#"),
                        BindingDeclaration(queue: observerQueue, exchange: events.name, routingKey: "node.\(nodeB).#"),
                    ]))
            let clock = ContinuousClock()
            var start = clock.now
            let grantA = try await admin.grantNode(nodeA, queue: nodeQueue(nodeA).name, eventsExchange: events.name)
            let grantTime = clock.now - start
            start = clock.now
            let grantB = try await admin.grantNode(nodeB, queue: nodeQueue(nodeB).name, eventsExchange: events.name)
            print("timing: grantNode \(grantTime), \(clock.now - start)")
            let running = Running(
                AMQPConsumer(
                    configuration: try Env.adminAMQP("test-observer"), queue: observerQueue, prefetch: 50, topology: .empty,
                    logger: Env.logger("observer")))
            observer = running
            try await body(
                Fixture(
                    admin: admin, publisher: publisher, observer: running, stem: stem, nodeA: nodeA, nodeB: nodeB, grantA: grantA,
                    grantB: grantB, observerQueue: observerQueue))
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()

        func tearDown() async {
            await observer?.stop()
            await publisher.stop()
            try? await admin.revokeNode(nodeA)
            try? await admin.revokeNode(nodeB)
            await admin.shutdown()
            Env.deleteQueues([nodeQueue(nodeA).name, nodeQueue(nodeB).name, observerQueue])
        }
    }

    /// A publisher with a node's credentials that declares nothing (as the Deployer must).
    static func nodePublisher(_ grant: NodeBrokerGrant) throws -> Running<AMQPPublisher> {
        Running(
            AMQPPublisher(
                configuration: try Env.nodeAMQP(grant, "test-node-publisher"), topology: .empty, logger: Env.logger("node-publisher")))
    }

    /// A consumer of `queue` with a node's credentials that declares nothing.
    static func nodeConsumer(_ grant: NodeBrokerGrant, queue: String? = nil, logger: Logger? = nil) throws -> Running<AMQPConsumer> {
        Running(
            AMQPConsumer(
                configuration: try Env.nodeAMQP(grant, "test-node-consumer"), queue: queue ?? grant.queue, prefetch: 10, topology: .empty,
                logger: logger ?? Env.logger("node-consumer")))
    }

    static func event(_ routingKey: String, _ body: String) -> OutgoingMessage {
        OutgoingMessage(exchange: events.name, routingKey: routingKey, body: Array(body.utf8))
    }

    /// The broker's refusal of `body`: a 403 ACCESS_REFUSED channel close, whose text is returned.
    static func expectAccessRefused(
        _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async -> String? {
        do {
            try await body()
            Issue.record("\(what) succeeded; expected 403 ACCESS_REFUSED", sourceLocation: sourceLocation)
            return nil
        } catch let error as AMQPError {
            guard case .channelClosed(403, let text) = error, text.hasPrefix("ACCESS_REFUSED") else {
                Issue.record("\(what) failed with \(error); expected 403 ACCESS_REFUSED", sourceLocation: sourceLocation)
                return nil
            }
            #expect(!error.isRetriable, sourceLocation: sourceLocation)
            print("refusal: \(what) -> 403 \(text)")
            return text
        } catch {
            Issue.record("\(what) failed with \(error); expected 403 ACCESS_REFUSED", sourceLocation: sourceLocation)
            return nil
        }
    }

    // MARK: 1. What a node may do

    @Test("a node consumes its own queue and publishes result, heartbeat and output events under its own prefix")
    func nodeDoesItsJob() async throws {
        try await Self.withTwoNodes("ok") { f in
            #expect(f.grantA.user == NodeBrokerPermissions.userName(node: f.nodeA, vhost: f.grantA.vhost))
            #expect(f.grantA.user.hasPrefix("coxswain-node-\(f.nodeA)"))
            #expect(f.grantA.queue == "coxswain.node.\(f.nodeA)")
            #expect(f.grantA.vhost == (try Env.adminConfiguration()).vhost)
            #expect(f.grantA.password.count == 43 && f.grantA.password != f.grantB.password)

            // What the broker stored is exactly NodeBrokerPermissions.
            let expected = NodeBrokerPermissions(node: f.nodeA, queue: f.queueA, eventsExchange: Self.events.name, vhost: f.grantA.vhost)
            let vhost = PercentEncoding.encode(f.grantA.vhost)
            let (status, data) = try await Env.managementGET("/api/permissions/\(vhost)/\(f.grantA.user)")
            #expect(status == 200)
            let stored = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(stored?["configure"] as? String == "^$")
            #expect(stored?["write"] as? String == expected.write)
            #expect(stored?["read"] as? String == expected.read)
            let (topicStatus, topicData) = try await Env.managementGET("/api/topic-permissions/\(vhost)/\(f.grantA.user)")
            #expect(topicStatus == 200)
            let topic = try JSONSerialization.jsonObject(with: topicData) as? [[String: Any]]
            #expect(topic?.count == 1)
            #expect(topic?.first?["exchange"] as? String == Self.events.name)
            #expect(topic?.first?["write"] as? String == expected.topicWrite)
            #expect(topic?.first?["read"] as? String == "^$")
            let (userStatus, userData) = try await Env.managementGET("/api/users/\(f.grantA.user)")
            #expect(userStatus == 200)
            #expect((try JSONSerialization.jsonObject(with: userData) as? [String: Any])?["tags"] as? [String] == [])

            // Consume its own queue.
            let consumer = try Self.nodeConsumer(f.grantA)
            defer { Task { await consumer.stop() } }
            try await f.sendCommand(to: f.nodeA, "task-batch-1")
            let command = try await consumer.next()
            #expect(String(decoding: command.body, as: UTF8.self) == "task-batch-1")
            #expect(command.routingKey == "node.\(f.nodeA)")

            // Publish its events (confirmed), and they arrive in the admin's bound queue.
            let publisher = try Self.nodePublisher(f.grantA)
            defer { Task { await publisher.stop() } }
            let kinds = ["result", "heartbeat", "output"]
            try await publisher.service.publish(kinds.map { Self.event("node.\(f.nodeA).\($0)", "\($0)-1") })
            for kind in kinds {
                let delivery = try await f.observer.next()
                #expect(delivery.routingKey == "node.\(f.nodeA).\(kind)")
                #expect(String(decoding: delivery.body, as: UTF8.self) == "\(kind)-1")
            }
            await consumer.stop()
            await publisher.stop()

            // A node user has no tags, so the management API turns it away.
            var nodeManagement = try Env.adminConfiguration()
            nodeManagement.user = f.grantA.user
            nodeManagement.password = f.grantA.password
            try await BrokerAdmin.withBrokerAdmin(configuration: nodeManagement, logger: Env.logger("node-admin")) { nodeAdmin in
                do {
                    try await nodeAdmin.ensureVhost()
                    Issue.record("a node user used the management API")
                } catch let error as BrokerAdminError {
                    print("refusal: management API with node credentials -> \(error)")
                    #expect(error == .http(status: 401, reason: "PUT /api/vhosts/\(vhost): not_authorised: Not management user"))
                    #expect(!error.description.contains(f.grantA.password))
                }
            }
        }
    }

    // MARK: 2. Another node's queue

    @Test("a node cannot consume another node's queue: 403 ACCESS_REFUSED, and the messages stay for their owner")
    func cannotConsumeOtherQueue() async throws {
        try await Self.withTwoNodes("steal") { f in
            try await f.sendCommand(to: f.nodeB, "for-b-only")

            // The raw refusal of basic.consume.
            let configuration = try Env.nodeAMQP(f.grantA, "test-node-a-raw")
            let queueB = f.queueB
            let error = try await amqpError {
                let connection = try AMQPConnection(configuration: configuration)
                defer { connection.close() }
                try connection.startConsuming(queue: queueB)
            }
            print("refusal: basic.consume of another node's queue -> \(error.map { "\($0)" } ?? "none")")
            #expect(
                error
                    == .channelClosed(
                        code: 403,
                        text:
                            "ACCESS_REFUSED - access to queue '\(f.queueB)' in vhost '\(f.grantA.vhost)' refused for user '\(f.grantA.user)'"
                    ))

            // What a Deployer's AMQPConsumer does with it: logs an error per attempt, delivers nothing.
            let capture = LogCapture()
            let thief = try Self.nodeConsumer(f.grantA, queue: f.queueB, logger: capture.logger("thief"))
            let clock = ContinuousClock()
            let start = clock.now
            while !capture.all.contains(where: { $0.level == .error && ($0.metadata["amqp.error"] ?? "").contains("403 ACCESS_REFUSED") }) {
                guard clock.now - start < .seconds(10) else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            await thief.stop()
            let refused = capture.all.first { $0.level == .error && $0.message == "AMQP consumer connect failed" }
            #expect(refused?.metadata["amqp.error"]?.contains("403 ACCESS_REFUSED") == true)

            // Node b still gets its message.
            let owner = try Self.nodeConsumer(f.grantB)
            let delivery = try await owner.next()
            await owner.stop()
            #expect(String(decoding: delivery.body, as: UTF8.self) == "for-b-only")
        }
    }

    // MARK: 3. Another node's routing keys

    @Test("a node cannot publish events under another node's prefix (nor services'), and nothing arrives")
    func cannotImpersonateOnEvents() async throws {
        try await Self.withTwoNodes("spoof") { f in
            let publisher = try Self.nodePublisher(f.grantA)
            let forbidden = [
                "node.\(f.nodeB).result", "node.\(f.nodeB).heartbeat", "node.\(f.nodeB).output",
                "node.\(f.nodeA)",  // its own name without the trailing dot
                "node.\(f.nodeA)x.result",  // a name that extends its own
                "node.\(f.stem)-aX1.result",  // what an unescaped '.' in a's pattern would allow
                "job.succeeded", "fleet.node.down",
            ]
            for key in forbidden {
                let text = await Self.expectAccessRefused("publish to coxswain.events with routing key \(key)") {
                    try await publisher.service.publish([Self.event(key, "forged")])
                }
                #expect(
                    text
                        == "ACCESS_REFUSED - access to topic '\(key)' in exchange '\(Self.events.name)' in vhost '\(f.grantA.vhost)' refused for user '\(f.grantA.user)'"
                )
            }
            // The publisher reconnects by itself; its next (allowed) event is the first thing the observer sees.
            try await publisher.service.publish([Self.event("node.\(f.nodeA).result", "sentinel")])
            let first = try await f.observer.next()
            #expect(String(decoding: first.body, as: UTF8.self) == "sentinel")
            #expect(first.routingKey == "node.\(f.nodeA).result")
            await #expect(throws: TimeoutError.self) { _ = try await f.observer.next(within: .milliseconds(500)) }
            await publisher.stop()
        }
    }

    // MARK: 4. Commands, declarations, deletions, bindings

    @Test("a node cannot publish commands or to queues directly, declare, delete or bind anything")
    func cannotConfigureAnything() async throws {
        try await Self.withTwoNodes("conf") { f in
            let publisher = try Self.nodePublisher(f.grantA)
            let vhost = f.grantA.vhost
            let user = f.grantA.user
            func refusedText(_ resource: String) -> String {
                "ACCESS_REFUSED - access to \(resource) in vhost '\(vhost)' refused for user '\(user)'"
            }

            // Impersonating the Scheduler, or bypassing exchanges through the default exchange.
            var text = await Self.expectAccessRefused("publish to coxswain.commands") {
                try await publisher.service.publish([
                    OutgoingMessage(exchange: Self.commands.name, routingKey: "node.\(f.nodeB)", body: Array("forged".utf8))
                ])
            }
            #expect(text == refusedText("exchange '\(Self.commands.name)'"))
            text = await Self.expectAccessRefused("publish to the default exchange") {
                try await publisher.service.publish([OutgoingMessage(exchange: "", routingKey: f.queueB, body: Array("forged".utf8))])
            }
            #expect(text == refusedText("exchange 'amq.default'"))

            // Declarations, its own queue included (so a Deployer with node credentials must declare nothing).
            let rogueQueue = "test.\(f.stem).rogue"
            let rogueExchange = "test.\(f.stem).rogue-exchange"
            text = await Self.expectAccessRefused("queue.declare of a new queue") {
                try await publisher.service.declare(TopologyDeclaration(queues: [QueueDeclaration(name: rogueQueue)]))
            }
            #expect(text == refusedText("queue '\(rogueQueue)'"))
            text = await Self.expectAccessRefused("queue.declare of its own queue") {
                try await publisher.service.declare(TopologyDeclaration(queues: [Self.nodeQueue(f.nodeA)]))
            }
            #expect(text == refusedText("queue '\(f.queueA)'"))
            text = await Self.expectAccessRefused("exchange.declare") {
                try await publisher.service.declare(
                    TopologyDeclaration(exchanges: [ExchangeDeclaration(name: rogueExchange, kind: .fanout)]))
            }
            #expect(text == refusedText("exchange '\(rogueExchange)'"))
            text = await Self.expectAccessRefused("exchange.declare of coxswain.events (existing, same type)") {
                try await publisher.service.declare(TopologyDeclaration(exchanges: [Self.events]))
            }
            #expect(text == refusedText("exchange '\(Self.events.name)'"))

            // Bindings: eavesdropping on every event, or on another node's commands.
            text = await Self.expectAccessRefused("queue.bind of its queue to coxswain.events '#'") {
                try await publisher.service.declare(
                    TopologyDeclaration(bindings: [BindingDeclaration(queue: f.queueA, exchange: Self.events.name, routingKey: "#")]))
            }
            #expect(text == refusedText("queue '\(f.queueA)'"))
            text = await Self.expectAccessRefused("queue.bind of its queue to node b's commands") {
                try await publisher.service.declare(
                    TopologyDeclaration(bindings: [
                        BindingDeclaration(queue: f.queueA, exchange: Self.commands.name, routingKey: "node.\(f.nodeB)")
                    ]))
            }
            #expect(text == refusedText("queue '\(f.queueA)'"))
            await publisher.stop()

            // Deleting node b's queue (and its own).
            let configuration = try Env.nodeAMQP(f.grantA, "test-node-a-raw")
            for queue in [f.queueB, f.queueA] {
                let error = try await amqpError {
                    let connection = try AMQPConnection(configuration: configuration)
                    defer { connection.close() }
                    try connection.deleteQueue(queue)
                }
                print("refusal: queue.delete \(queue) -> \(error.map { "\($0)" } ?? "none")")
                #expect(error == .channelClosed(code: 403, text: refusedText("queue '\(queue)'")))
            }
            let error = try await amqpError {
                let connection = try AMQPConnection(configuration: configuration)
                defer { connection.close() }
                try connection.deleteExchange(Self.commands.name)
            }
            #expect(error == .channelClosed(code: 403, text: refusedText("exchange '\(Self.commands.name)'")))

            // Nothing changed: node b's queue is still there and bound, no rogue queue exists.
            try await f.sendCommand(to: f.nodeB, "still-mine")
            let owner = try Self.nodeConsumer(f.grantB)
            let delivery = try await owner.next()
            await owner.stop()
            #expect(String(decoding: delivery.body, as: UTF8.self) == "still-mine")
            let encodedVhost = PercentEncoding.encode(vhost)
            #expect(try await Env.managementGET("/api/queues/\(encodedVhost)/\(PercentEncoding.encode(rogueQueue))").0 == 404)
            #expect(try await Env.managementGET("/api/exchanges/\(encodedVhost)/\(PercentEncoding.encode(rogueExchange))").0 == 404)
        }
    }

    // MARK: 5. Revocation

    @Test("revokeNode deletes the user, closes its open connection and refuses new logins; it is idempotent")
    func revokeNode() async throws {
        try await Self.withTwoNodes("revoke") { f in
            let configuration = try Env.nodeAMQP(f.grantA, "test-node-a-revoked")
            // A Deployer-like consumer and a raw connection, both logged in as node a.
            let capture = LogCapture()
            let consumer = try Self.nodeConsumer(f.grantA, logger: capture.logger("revoked-consumer"))
            try await f.sendCommand(to: f.nodeA, "before-revoke")
            #expect(String(decoding: try await consumer.next().body, as: UTF8.self) == "before-revoke")
            let raw = try await onThread { try RawConnection(configuration) }
            let lag = try await Env.waitUntilListed(user: f.grantA.user)
            let listed = try await Env.listedConnections(user: f.grantA.user)
            print("timing: connection listed by the management API after \(lag) (\(listed.count) connections)")
            #expect(listed.count == 2)

            let clock = ContinuousClock()
            let start = clock.now
            let adminLog = LogCapture()
            try await BrokerAdmin.withBrokerAdmin(configuration: try Env.adminConfiguration(), logger: adminLog.logger("admin")) {
                try await $0.revokeNode(f.nodeA)
            }
            let revokeTime = clock.now - start
            let sweep = adminLog.all.first { $0.message == "node broker user revoked" }
            print("timing: revokeNode \(revokeTime) (swept \(sweep?.metadata["broker.connections"] ?? "?") connections)")

            // The open connection is closed by the broker: deleting the user closes its
            // connections (RabbitMQ does it itself; revokeNode's sweep closes any left over).
            let closed = try await onThread { try raw.waitForClose(limit: .seconds(10)) }
            print("refusal: open connection after revokeNode -> \(closed.map { "\($0)" } ?? "none")")
            guard case .connectionClosed(320, let closeText) = closed else {
                Issue.record("open connection after revokeNode: \(String(describing: closed)); expected 320 CONNECTION_FORCED")
                return
            }
            #expect(
                closeText == "CONNECTION_FORCED - user '\(f.grantA.user)' is deleted"
                    || closeText == "CONNECTION_FORCED - Coxswain revoked broker user \(f.grantA.user)")

            // The user is gone, and logging in again fails.
            #expect(try await Env.managementGET("/api/users/\(f.grantA.user)").0 == 404)
            let login = try await amqpError { _ = try AMQPConnection(configuration: configuration) }
            print("refusal: login after revokeNode -> \(login.map { "\($0)" } ?? "none")")
            guard case .loginFailed = login else {
                Issue.record("login after revoke: \(String(describing: login)); expected loginFailed")
                return
            }

            // The consumer lost its connection and cannot get back in.
            let waitStart = clock.now
            while !capture.all.contains(where: { $0.message == "AMQP consumer connect failed" }), clock.now - waitStart < .seconds(10) {
                try await Task.sleep(for: .milliseconds(50))
            }
            await consumer.stop()
            let lost = capture.all.first { $0.message == "AMQP consumer connection lost" }
            #expect(lost?.metadata["amqp.error"]?.contains("320 CONNECTION_FORCED") == true)
            let reconnect = capture.all.first { $0.message == "AMQP consumer connect failed" }
            #expect(reconnect?.level == .error)
            #expect(reconnect?.metadata["amqp.error"]?.contains("login refused") == true)

            // Node b is untouched; revoking again (or a node that never existed) is fine.
            #expect(try await Env.managementGET("/api/users/\(f.grantB.user)").0 == 200)
            try await f.admin.revokeNode(f.nodeA)
            try await f.admin.revokeNode("\(f.stem)-never-enrolled")
        }
    }

    @Test("revokeNode right after the node connected (before the management API lists it) still closes the connection")
    func revokeFreshConnection() async throws {
        try await Self.withTwoNodes("fresh") { f in
            let raw = try await onThread { try RawConnection(try Env.nodeAMQP(f.grantA, "test-node-a-fresh")) }
            let listedBefore = try await Env.listedConnections(user: f.grantA.user).count
            try await f.admin.revokeNode(f.nodeA)
            let closed = try await onThread { try raw.waitForClose(limit: .seconds(10)) }
            print("refusal: fresh connection (listed: \(listedBefore)) after revokeNode -> \(closed.map { "\($0)" } ?? "none")")
            guard case .connectionClosed(320, _) = closed else {
                Issue.record("fresh connection after revokeNode: \(String(describing: closed)); expected 320 CONNECTION_FORCED")
                return
            }
        }
    }

    @Test("granting again rotates the password: the new one logs in, the old one no longer does, open connections stay")
    func regrantRotatesPassword() async throws {
        try await Self.withTwoNodes("rotate") { f in
            // A connection opened with the old password before the rotation.
            let before = try await onThread { try RawConnection(try Env.nodeAMQP(f.grantA, "test-before-rotation")) }
            let clock = ContinuousClock()
            let start = clock.now
            let adminLog = LogCapture()
            let adminConfiguration = try Env.adminConfiguration()
            let second = try await BrokerAdmin.withBrokerAdmin(configuration: adminConfiguration, logger: adminLog.logger("admin")) {
                try await $0.grantNode(f.nodeA, queue: f.queueA, eventsExchange: Self.events.name)
            }
            print("timing: grantNode (rotation, with a new HTTP client) \(clock.now - start)")
            // Trace-level logs of a grant: requests and the summary, never a password.
            #expect(adminLog.all.contains { $0.message == "node broker user granted" })
            #expect(adminLog.all.filter { $0.message == "management request" }.count == 3)
            for record in adminLog.all {
                let text = record.message + " " + record.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                #expect(!text.contains(second.password) && !text.contains(adminConfiguration.password), "\(text)")
            }
            #expect(second.user == f.grantA.user && second.queue == f.grantA.queue)
            #expect(second.password != f.grantA.password)
            let old = try Env.nodeAMQP(f.grantA, "test-old-password")
            let new = try Env.nodeAMQP(second, "test-new-password")
            let oldLogin = try await amqpError { _ = try AMQPConnection(configuration: old) }
            guard case .loginFailed = oldLogin else {
                Issue.record("old password: \(String(describing: oldLogin)); expected loginFailed")
                return
            }
            let newLogin = try await amqpError {
                let connection = try AMQPConnection(configuration: new)
                defer { connection.close() }
                try connection.startConsuming(queue: second.queue)
            }
            #expect(newLogin == nil)
            let survived = try await onThread { try before.waitForClose(limit: .seconds(1)) }
            print("rotation: connection opened with the old password -> \(survived.map { "\($0)" } ?? "still open")")
            #expect(survived == nil, "rotation closed a connection opened with the old password")
        }
    }
}

/// One raw connection kept open on its own, to watch the broker close it.
final class RawConnection: @unchecked Sendable {
    // Used from one thread at a time (each call runs on a fresh thread, never concurrently).
    private let connection: AMQPConnection

    init(_ configuration: AMQPConfiguration) throws {
        connection = try AMQPConnection(configuration: configuration)
    }

    deinit { connection.close() }

    /// Waits for the broker to close the connection; returns its error, or `nil` after `limit`.
    func waitForClose(limit: Duration) throws -> AMQPError? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            do {
                _ = try connection.nextEvent(timeout: .milliseconds(200))
            } catch let error as AMQPError {
                return error
            }
        }
        return nil
    }
}
