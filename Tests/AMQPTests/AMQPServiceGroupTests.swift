import CoxswainCore
import Foundation
import ServiceLifecycle
import Testing

@testable import CoxswainAMQP

extension AMQPBrokerTests {
    @Suite("service lifecycle")
    struct AMQPServiceGroupTests {
        typealias Env = AMQPTestEnvironment

        @Test("publisher and consumer run in a ServiceGroup and stop on graceful shutdown")
        func gracefulShutdown() async throws {
            let queue = Env.uniqueName("group")
            defer { Env.cleanUp(queues: [queue]) }
            let topology = TopologyDeclaration(queues: [QueueDeclaration(name: queue)])
            let publisher = AMQPPublisher(configuration: try Env.configuration(name: "test-group"), topology: topology, logger: Env.logger("publisher"))
            let consumer = AMQPConsumer(
                configuration: try Env.configuration(name: "test-group"), queue: queue, prefetch: 10, topology: topology, logger: Env.logger("consumer"))
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: publisher), .init(service: consumer)], logger: Env.logger("group")))
            let running = Task { try await group.run() }

            try await publisher.publish([OutgoingMessage(exchange: "", routingKey: queue, body: Array("hello".utf8))])
            let first = try await withTimeout(.seconds(20), "one delivery") { () -> AMQPDelivery? in
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(first?.body == Array("hello".utf8))
            #expect(first?.properties.contentType == "application/json" && first?.properties.persistent == true)
            if let first { consumer.ack(first) }

            await group.triggerGracefulShutdown()
            try await withTimeout(.seconds(30), "group to stop") { try await running.value }
            var iterator = consumer.deliveries.makeAsyncIterator()
            #expect(await iterator.next() == nil)
            await #expect(throws: AMQPError.shutdown) {
                try await publisher.publishUnconfirmed(OutgoingMessage(exchange: "", routingKey: queue, body: []))
            }
        }
    }
}
