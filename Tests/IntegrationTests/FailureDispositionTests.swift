import CoxswainCore
import CoxswainRuntime
import CoxswainStore
import Testing

@testable import CoxswainMessaging

/// The one rule every consumer settles by: what is about the world is retried, what is about the
/// message is dead-lettered. Pure; no broker or database.
@Suite("Consumer failure disposition")
struct FailureDispositionTests {
    @Test("poison messages and undecodable ones are dead-lettered with their reason")
    func poison() {
        #expect(
            FailureDisposition(PoisonMessage("node x published a message naming node y")) == .deadLetter(reason: "node x published a message naming node y"))
    }

    @Test("a lost database connection, a timeout or anything unknown is retried")
    func retried() {
        #expect(FailureDisposition(DatabaseConnectionLost(during: "COMMIT")) == .retry)
        #expect(FailureDisposition(DatabaseTimeout(timeout: .seconds(20))) == .retry)
        #expect(FailureDisposition(CancellationError()) == .retry)
    }

    /// An error that knows when to look again (a bootstrap run leased by another Bootstrapper).
    struct Leased: FailureClassifying {
        var poisonReason: String? { nil }
        var retryAfter: Duration? { .seconds(5) }
    }

    /// A database refusal of the data itself.
    struct Refused: FailureClassifying {
        var poisonReason: String? { "value too long" }
    }

    @Test("an error may say it is poison, or when to retry; the default is the loop's back-off")
    func classified() {
        #expect(FailureDisposition(Leased()) == .retry)
        #expect(Leased().retryAfter == .seconds(5))
        #expect(FailureDisposition(Refused()) == .deadLetter(reason: "value too long"))
        #expect(Refused().retryAfter == nil)
    }

    @Test("requeue back-off: 100 ms doubling to 5 s, back to 100 ms after a success, shared by concurrent handlers")
    func backoff() {
        var backoff = RetryBackoff()
        let delays = (0..<8).map { _ in backoff.next() }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .seconds(5),
                .seconds(5),
            ])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
        let shared = SharedBackoff()
        #expect(shared.next() == .milliseconds(100))
        #expect(shared.next() == .milliseconds(200))
        shared.reset()
        #expect(shared.next() == .milliseconds(100))
    }

    @Test("node message routing: only the key's own type, only the key's own node")
    func nodeMessages() throws {
        let a = try NodeName(validating: "node-a")
        let b = try NodeName(validating: "node-b")
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "node.node-a.result", type: SignedTaskResult.messageType, claimedNode: a) == nil)
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "node.node-a.result", type: SignedTaskResult.messageType, claimedNode: b) != nil)
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "node.node-a.audit", type: JobEvent.messageType, claimedNode: nil) != nil)
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "node.node-a.heartbeat", type: NodeHeartbeat.messageType, claimedNode: a) != nil)
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "node.node-a.result.extra", type: SignedTaskResult.messageType, claimedNode: a) != nil)
        #expect(Topology.RoutingKey.nodeMessageProblem(routingKey: "job.completed", type: JobEvent.messageType, claimedNode: nil) == nil)
    }
}
