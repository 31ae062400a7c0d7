import CoxswainCore
import Foundation
import Synchronization
import Testing

@testable import CoxswainAMQP

/// Everything that needs the real RabbitMQ named by `COXSWAIN_AMQP_URL`, serialized as a
/// whole because one test hard-restarts the broker.
@Suite(
    "AMQP against a real broker", .serialized,
    .enabled(if: AMQPTestEnvironment.integrationEnabled, "set COXSWAIN_INTEGRATION and COXSWAIN_AMQP_URL"),
    .timeLimit(.minutes(5)))
struct AMQPBrokerTests {}

extension AMQPBrokerTests {
    @Suite("publisher and consumer")
    struct AMQPIntegrationTests {
        typealias Env = AMQPTestEnvironment

        /// Messages `first..<first+count` with ids `prefix-i`, body `{"seq":i}` and full properties.
        static func messages(_ range: Range<Int>, prefix: String, route: (Int) -> (exchange: String, routingKey: String)) -> [OutgoingMessage] {
            range.map { index in
                let (exchange, routingKey) = route(index)
                return OutgoingMessage(
                    exchange: exchange, routingKey: routingKey, body: Array("{\"seq\":\(index)}".utf8),
                    properties: AMQPProperties(
                        messageID: "\(prefix)-\(index)", correlationID: "job-\(index / 100)", type: "test.message",
                        timestamp: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                        headers: ["x-seq": "\(index)", "traceparent": "00-abc-\(index)-01"]))
            }
        }

        @Test("declares direct and topic exchanges and a DLX queue, round-trips 5,000 confirmed messages in order")
        func roundTripInOrder() async throws {
            let direct = Env.uniqueName("direct")
            let topic = Env.uniqueName("topic")
            let dlx = Env.uniqueName("dlx")
            let queue = Env.uniqueName("work")
            let dead = Env.uniqueName("dead")
            defer { Env.cleanUp(queues: [queue, dead], exchanges: [direct, topic, dlx]) }
            let topology = TopologyDeclaration(
                exchanges: [
                    ExchangeDeclaration(name: direct, kind: .direct), ExchangeDeclaration(name: topic, kind: .topic),
                    ExchangeDeclaration(name: dlx, kind: .fanout),
                ],
                queues: [QueueDeclaration(name: queue, deadLetterExchange: dlx), QueueDeclaration(name: dead)],
                bindings: [
                    BindingDeclaration(queue: queue, exchange: direct, routingKey: "job.submitted"),
                    BindingDeclaration(queue: queue, exchange: topic, routingKey: "job.#"),
                    BindingDeclaration(queue: dead, exchange: dlx, routingKey: ""),
                ])
            let publisher = RunningPublisher(
                AMQPPublisher(configuration: try Env.configuration(name: "test-publisher"), topology: topology, logger: Env.logger("publisher")))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "test-consumer"), queue: queue, prefetch: 200, topology: topology,
                    logger: Env.logger("consumer")))
            let total = 5_000
            let receiver = Task { () -> [AMQPDelivery] in
                var received: [AMQPDelivery] = []
                for await delivery in consumer.consumer.deliveries {
                    received.append(delivery)
                    consumer.consumer.ack(delivery)
                    if received.count == total { break }
                }
                return received
            }

            let route: (Int) -> (exchange: String, routingKey: String) = { $0 % 2 == 0 ? (direct, "job.submitted") : (topic, "job.finished.\($0 % 7)") }
            let clock = ContinuousClock()
            let start = clock.now
            for batch in stride(from: 0, to: total, by: 100) {
                try await publisher.publisher.publish(Self.messages(batch..<batch + 100, prefix: "m", route: route))
            }
            let published = clock.now - start
            let received = try await withTimeout(.seconds(60), "5,000 deliveries") { await receiver.value }
            let all = clock.now - start
            print("round trip: published+confirmed \(total) in \(published), consumed all after \(all)")

            #expect(received.count == total)
            for (index, delivery) in received.enumerated() {
                let (exchange, routingKey) = route(index)
                guard delivery.properties.messageID == "m-\(index)" else {
                    Issue.record("delivery \(index) is \(delivery.properties.messageID ?? "nil")")
                    break
                }
                #expect(delivery.body == Array("{\"seq\":\(index)}".utf8))
                #expect(delivery.exchange == exchange && delivery.routingKey == routingKey)
                #expect(delivery.properties == Self.messages(index..<index + 1, prefix: "m", route: route)[0].properties)
                #expect(!delivery.redelivered)
                #expect(delivery.generation == 1)
            }
            await consumer.stop()
            await publisher.stop()
            // The stream finishes when the consumer stops.
            var iterator = consumer.consumer.deliveries.makeAsyncIterator()
            #expect(await iterator.next() == nil)
            await #expect(throws: AMQPError.shutdown) { try await publisher.publisher.publish(Self.messages(0..<1, prefix: "late", route: route)) }
        }

        @Test("nack without requeue dead-letters into the DLX queue; reject with requeue redelivers with redelivered=true")
        func nackAndReject() async throws {
            let dlx = Env.uniqueName("dlx")
            let queue = Env.uniqueName("work")
            let dead = Env.uniqueName("dead")
            defer { Env.cleanUp(queues: [queue, dead], exchanges: [dlx]) }
            let topology = TopologyDeclaration(
                exchanges: [ExchangeDeclaration(name: dlx, kind: .fanout)],
                queues: [QueueDeclaration(name: queue, deadLetterExchange: dlx, messageTTL: .seconds(600)), QueueDeclaration(name: dead)],
                bindings: [BindingDeclaration(queue: dead, exchange: dlx, routingKey: "")])
            // Publisher without run(): publish() connects by itself.
            let publisher = AMQPPublisher(configuration: try Env.configuration(name: "test-publisher"), topology: topology, logger: Env.logger("publisher"))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "test-consumer"), queue: queue, prefetch: 10, topology: topology, logger: Env.logger("consumer"))
            )
            let deadConsumer = RunningConsumer(
                AMQPConsumer(configuration: try Env.configuration(name: "test-dead"), queue: dead, prefetch: 10, topology: topology, logger: Env.logger("dead"))
            )

            try await publisher.publish(Self.messages(0..<2, prefix: "nr", route: { _ in ("", queue) }))

            let (first, second, again) = try await withTimeout(.seconds(20), "three deliveries") {
                var iterator = consumer.consumer.deliveries.makeAsyncIterator()
                let first = await iterator.next()!
                consumer.consumer.nack(first, requeue: false)
                let second = await iterator.next()!
                consumer.consumer.reject(second, requeue: true)
                let again = await iterator.next()!
                consumer.consumer.ack(again)
                return (first, second, again)
            }
            #expect(first.properties.messageID == "nr-0" && !first.redelivered)
            #expect(second.properties.messageID == "nr-1" && !second.redelivered)
            #expect(again.properties.messageID == "nr-1" && again.redelivered)
            #expect(again.deliveryTag != second.deliveryTag)

            let deadLetter = try await withTimeout(.seconds(20), "dead letter") {
                var iterator = deadConsumer.consumer.deliveries.makeAsyncIterator()
                let delivery = await iterator.next()!
                deadConsumer.consumer.ack(delivery)
                return delivery
            }
            #expect(deadLetter.properties.messageID == "nr-0")
            #expect(deadLetter.body == Array("{\"seq\":0}".utf8))
            #expect(deadLetter.properties.headers["x-first-death-reason"] == "rejected")
            #expect(deadLetter.properties.headers["x-seq"] == "0")

            await consumer.stop()
            await deadConsumer.stop()
        }

        @Test("a missing exchange fails the publish with 404 and the publisher recovers; runtime declarations work")
        func channelErrorAndRuntimeDeclare() async throws {
            let queue = Env.uniqueName("late")
            let exchange = Env.uniqueName("late")
            defer { Env.cleanUp(queues: [queue], exchanges: [exchange]) }
            let publisher = AMQPPublisher(configuration: try Env.configuration(name: "test-publisher"), topology: .empty, logger: Env.logger("publisher"))
            let missing = Self.messages(0..<1, prefix: "x", route: { _ in ("no-such-exchange-\(getpid())", "k") })
            let error = await #expect(throws: AMQPError.self) { try await publisher.publish(missing) }
            guard case .channelClosed(404, _)? = error else {
                Issue.record("expected channelClosed(404), got \(String(describing: error))")
                return
            }
            #expect(error?.isRetriable == false)

            let topology = TopologyDeclaration(
                exchanges: [ExchangeDeclaration(name: exchange, kind: .topic)], queues: [QueueDeclaration(name: queue)],
                bindings: [BindingDeclaration(queue: queue, exchange: exchange, routingKey: "a.*")])
            try await publisher.declare(topology)
            try await publisher.publish(Self.messages(0..<3, prefix: "late", route: { _ in (exchange, "a.b") }))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "test-consumer"), queue: queue, prefetch: 10, topology: .empty, logger: Env.logger("consumer")))
            let ids = try await withTimeout(.seconds(20), "3 deliveries") {
                var ids: [String] = []
                for await delivery in consumer.consumer.deliveries {
                    ids.append(delivery.properties.messageID ?? "")
                    consumer.consumer.ack(delivery, multiple: true)
                    if ids.count == 3 { break }
                }
                return ids
            }
            #expect(ids == ["late-0", "late-1", "late-2"])
            await consumer.stop()
        }

        @Test("idle connections with a 1 s heartbeat stay up (heartbeats are serviced while idle)")
        func heartbeats() async throws {
            let queue = Env.uniqueName("heartbeat")
            defer { Env.cleanUp(queues: [queue]) }
            let topology = TopologyDeclaration(queues: [QueueDeclaration(name: queue)])
            var configuration = try Env.configuration(name: "test-heartbeat")
            configuration.heartbeat = .seconds(1)
            let publisher = RunningPublisher(AMQPPublisher(configuration: configuration, topology: topology, logger: Env.logger("publisher")))
            let consumer = RunningConsumer(
                AMQPConsumer(configuration: configuration, queue: queue, prefetch: 10, topology: topology, logger: Env.logger("consumer")))
            try await publisher.publisher.publish(Self.messages(0..<1, prefix: "hb", route: { _ in ("", queue) }))
            try await Task.sleep(for: .seconds(5))  // > 2 heartbeat intervals with nothing to do
            try await publisher.publisher.publish(Self.messages(1..<2, prefix: "hb", route: { _ in ("", queue) }))
            let deliveries = try await withTimeout(.seconds(20), "2 deliveries") {
                var deliveries: [AMQPDelivery] = []
                for await delivery in consumer.consumer.deliveries {
                    deliveries.append(delivery)
                    consumer.consumer.ack(delivery)
                    if deliveries.count == 2 { break }
                }
                return deliveries
            }
            #expect(deliveries.map(\.properties.messageID) == ["hb-0", "hb-1"])
            #expect(deliveries.allSatisfy { $0.generation == 1 && !$0.redelivered })
            await consumer.stop()
            await publisher.stop()
        }

        @Test("a consumer whose queue is deleted under it re-declares the queue and resumes")
        func queueDeleted() async throws {
            let queue = Env.uniqueName("deleted")
            defer { Env.cleanUp(queues: [queue]) }
            let topology = TopologyDeclaration(queues: [QueueDeclaration(name: queue)])
            let publisher = AMQPPublisher(configuration: try Env.configuration(name: "test-publisher"), topology: .empty, logger: Env.logger("publisher"))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "test-consumer"), queue: queue, prefetch: 10, topology: topology, logger: Env.logger("consumer"))
            )
            let tally = Tally()
            let receiver = Task {
                for await delivery in consumer.consumer.deliveries {
                    tally.record(delivery)
                    consumer.consumer.ack(delivery)
                }
            }
            try await publisher.declare(topology)  // idempotent: whoever comes first creates it
            try await publisher.publish(Self.messages(0..<1, prefix: "d", route: { _ in ("", queue) }))
            try await withTimeout(.seconds(20), "first") { while tally.snapshot.total < 1 { try await Task.sleep(for: .milliseconds(10)) } }

            Env.cleanUp(queues: [queue])  // the broker sends basic.cancel to the consumer
            // Until the consumer has re-declared the queue, messages to it are unroutable and
            // dropped: resend (same message id) until one arrives.
            try await withTimeout(.seconds(30), "delivery after the queue was re-declared") {
                while !tally.snapshot.distinct.contains("d-1") {
                    try await publisher.publish(Self.messages(1..<2, prefix: "d", route: { _ in ("", queue) }))
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(tally.snapshot.generations == [1, 2])
            await consumer.stop()
            receiver.cancel()
        }

        /// Counts what a consumer received.
        final class Tally: Sendable {
            private struct State {
                var distinct = Set<String>()
                var total = 0
                var redelivered = 0
                var generations = Set<UInt64>()
            }
            private let state = Mutex(State())

            func record(_ delivery: AMQPDelivery) {
                state.withLock {
                    $0.distinct.insert(delivery.properties.messageID ?? "")
                    $0.total += 1
                    if delivery.redelivered { $0.redelivered += 1 }
                    $0.generations.insert(delivery.generation)
                }
            }

            var snapshot: (distinct: Set<String>, total: Int, redelivered: Int, generations: Set<UInt64>) {
                state.withLock { ($0.distinct, $0.total, $0.redelivered, $0.generations) }
            }
        }

        @Test(
            "a hard broker restart mid-stream loses nothing: publisher and consumer recover by themselves",
            .enabled(if: AMQPTestEnvironment.restartCommand != nil, "set COXSWAIN_TEST_RESTART_BROKER"),
            .timeLimit(.minutes(3)))
        func brokerRestart() async throws {
            let exchange = Env.uniqueName("restart")
            let queue = Env.uniqueName("restart")
            defer { Env.cleanUp(queues: [queue], exchanges: [exchange]) }
            let topology = TopologyDeclaration(
                exchanges: [ExchangeDeclaration(name: exchange, kind: .direct)],
                queues: [QueueDeclaration(name: queue)],
                bindings: [BindingDeclaration(queue: queue, exchange: exchange, routingKey: "work")])
            let publisher = RunningPublisher(
                AMQPPublisher(configuration: try Env.configuration(name: "test-restart-publisher"), topology: topology, logger: Env.logger("publisher")))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "test-restart-consumer"), queue: queue, prefetch: 100, topology: topology,
                    logger: Env.logger("consumer")))
            let tally = Tally()
            let receiver = Task {
                for await delivery in consumer.consumer.deliveries {
                    tally.record(delivery)
                    consumer.consumer.ack(delivery)
                }
            }
            let total = 3_000
            let confirmed = Atomic<Int>(0)
            let sender = Task {
                for batch in stride(from: 0, to: total, by: 50) {
                    try await publisher.publisher.publish(Self.messages(batch..<batch + 50, prefix: "r", route: { _ in (exchange, "work") }))
                    confirmed.add(50, ordering: .relaxed)
                    try await Task.sleep(for: .milliseconds(5))  // a stream, not one burst
                }
            }

            while confirmed.load(ordering: .relaxed) < 1_000 { try await Task.sleep(for: .milliseconds(5)) }
            let clock = ContinuousClock()
            let killedAt = clock.now
            let status = try await Env.runShell(Env.restartCommand!)
            print("restart: broker restarted in \(clock.now - killedAt) (exit \(status)); \(confirmed.load(ordering: .relaxed)) confirmed before it returned")
            #expect(status == 0)

            try await withTimeout(.seconds(90), "publishing all \(total)") { try await sender.value }
            try await withTimeout(.seconds(60), "receiving all \(total)") {
                while tally.snapshot.distinct.count < total { try await Task.sleep(for: .milliseconds(20)) }
            }
            let recoveredAfter = clock.now - killedAt
            let result = tally.snapshot
            print(
                "restart: distinct \(result.distinct.count)/\(total), deliveries \(result.total), duplicates \(result.total - result.distinct.count), redelivered flag \(result.redelivered), consumer generations \(result.generations.sorted()), all received \(recoveredAfter) after the kill"
            )
            #expect(result.distinct == Set((0..<total).map { "r-\($0)" }))
            #expect(result.generations.count >= 2)
            await consumer.stop()
            await publisher.stop()
            receiver.cancel()
        }

        @Test(
            "a consumer's deliveries survive its connection being closed from the broker side",
            .enabled(if: AMQPTestEnvironment.managementURL != nil, "set COXSWAIN_AMQP_MANAGEMENT_URL"))
        func forcedClose() async throws {
            let queue = Env.uniqueName("forced")
            defer { Env.cleanUp(queues: [queue]) }
            let topology = TopologyDeclaration(queues: [QueueDeclaration(name: queue)])
            let connectionName = Env.uniqueName("consumer-conn")
            let publisher = RunningPublisher(
                AMQPPublisher(configuration: try Env.configuration(name: "test-forced-publisher"), topology: topology, logger: Env.logger("publisher")))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: connectionName), queue: queue, prefetch: 10, topology: topology, logger: Env.logger("consumer")))
            let tally = Tally()
            let receiver = Task {
                for await delivery in consumer.consumer.deliveries {
                    tally.record(delivery)
                    consumer.consumer.ack(delivery)
                }
                return "finished"
            }
            try await publisher.publisher.publish(Self.messages(0..<10, prefix: "f", route: { _ in ("", queue) }))
            try await withTimeout(.seconds(20), "first 10") { while tally.snapshot.distinct.count < 10 { try await Task.sleep(for: .milliseconds(10)) } }

            // Find the consumer's connection by its client-provided name and close it.
            let name = try await withTimeout(.seconds(30), "connection listed by the management API") {
                while true {
                    let (status, data) = try await Env.management("GET", "/api/connections")
                    if status == 200, let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
                        let match = list.first(where: { ($0["client_properties"] as? [String: Any])?["connection_name"] as? String == connectionName }),
                        let name = match["name"] as? String
                    {
                        return name
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
            let (status, _) = try await Env.management("DELETE", "/api/connections/\(encoded)")
            #expect(status == 204)

            try await publisher.publisher.publish(Self.messages(10..<20, prefix: "f", route: { _ in ("", queue) }))
            try await withTimeout(.seconds(30), "10 more after the forced close") {
                while tally.snapshot.distinct.count < 20 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let result = tally.snapshot
            #expect(result.distinct == Set((0..<20).map { "f-\($0)" }))
            #expect(result.generations.contains(2))
            await consumer.stop()
            #expect(try await withTimeout(.seconds(10), "stream end") { await receiver.value } == "finished")
            await publisher.stop()
        }
    }
}
