import CoxswainCore
import CoxswainMessaging
import CoxswainStore
import Testing

/// The one rule every consumer settles by: what is about the world is retried, what is about the
/// message is dead-lettered. Pure; no broker or database.
@Suite("Consumer failure disposition")
struct FailureDispositionTests {
    @Test("poison messages and undecodable ones are dead-lettered with their reason")
    func poison() {
        #expect(FailureDisposition(PoisonMessage("node x published a message naming node y")) == .deadLetter(reason: "node x published a message naming node y"))
    }

    @Test("a lost database connection, a timeout or anything unknown is retried")
    func retried() {
        #expect(FailureDisposition(DatabaseConnectionLost(during: "COMMIT")) == .retry)
        #expect(FailureDisposition(DatabaseTimeout(timeout: .seconds(20))) == .retry)
        #expect(FailureDisposition(CancellationError()) == .retry)
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
