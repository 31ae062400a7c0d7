import Testing

@testable import CoxswainAMQP

@Suite("AMQP pure parts")
struct AMQPUnitTests {
    @Test("confirms: single, multiple and out-of-order acks settle a batch")
    func confirms() {
        var confirms = PublisherConfirms()
        let tags = (0..<5).map { _ in confirms.recordPublish() }
        #expect(tags == [1, 2, 3, 4, 5])
        let batch: ClosedRange<UInt64> = 3...5
        confirms.watch(batch)
        confirms.ack(4, multiple: false)
        #expect(confirms.isPending(batch))
        confirms.ack(2, multiple: true)
        #expect(confirms.outstanding == [3, 5])
        confirms.ack(5, multiple: false)
        #expect(confirms.isPending(batch))
        confirms.ack(3, multiple: false)
        #expect(!confirms.isPending(batch))
        #expect(!confirms.nackedInWatch)
        #expect(confirms.pendingCount == 0)
    }

    @Test("confirms: a nack inside the watched batch is reported, one outside is not")
    func nacks() {
        var confirms = PublisherConfirms()
        for _ in 0..<6 { _ = confirms.recordPublish() }
        confirms.watch(4...6)
        #expect(confirms.nack(2, multiple: true) == 2)
        #expect(!confirms.nackedInWatch)
        confirms.ack(3, multiple: false)
        #expect(confirms.nack(5, multiple: false) == 1)
        #expect(confirms.nackedInWatch)
        #expect(confirms.nack(5, multiple: false) == 0)  // already settled
    }

    @Test("topology merging keeps order and drops duplicates")
    func merging() {
        let a = TopologyDeclaration(
            exchanges: [ExchangeDeclaration(name: "cmd", kind: .direct)],
            queues: [QueueDeclaration(name: "q1")],
            bindings: [BindingDeclaration(queue: "q1", exchange: "cmd", routingKey: "k")])
        let b = TopologyDeclaration(
            exchanges: [ExchangeDeclaration(name: "cmd", kind: .direct), ExchangeDeclaration(name: "events", kind: .topic)],
            queues: [QueueDeclaration(name: "q2", deadLetterExchange: "dlx", messageTTL: .seconds(60))],
            bindings: [BindingDeclaration(queue: "q1", exchange: "cmd", routingKey: "k")])
        let merged = a.merging(b)
        #expect(merged.exchanges.map(\.name) == ["cmd", "events"])
        #expect(merged.queues.map(\.name) == ["q1", "q2"])
        #expect(merged.bindings.count == 1)
        #expect(TopologyDeclaration.empty.merging(.empty).isEmpty)
    }

    @Test("back-off grows exponentially with jitter up to the maximum, and resets")
    func backoff() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(5))
        let delays = (0..<10).map { _ in backoff.next() }
        #expect(delays[0] >= .milliseconds(50) && delays[0] <= .milliseconds(100))
        #expect(delays[3] >= .milliseconds(400) && delays[3] <= .milliseconds(800))
        #expect(delays.allSatisfy { $0 <= .seconds(5) })
        #expect(delays[9] >= .milliseconds(2500))
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(100))
    }

    @Test("errors say whether a retry can help and never show secrets")
    func errors() {
        #expect(AMQPError.connectionFailed("x").isRetriable)
        #expect(AMQPError.connectionClosed(code: 320, text: "CONNECTION_FORCED").isRetriable)
        #expect(!AMQPError.connectionClosed(code: 530, text: "NOT_ALLOWED").isRetriable)
        #expect(!AMQPError.channelClosed(code: 404, text: "NOT_FOUND").isRetriable)
        #expect(!AMQPError.channelClosed(code: 406, text: "PRECONDITION_FAILED").isRetriable)
        #expect(AMQPError.nacked.isRetriable)
        #expect(!AMQPError.shutdown.isRetriable)
        #expect(!AMQPError.loginFailed("403").isRetriable)
    }
}
