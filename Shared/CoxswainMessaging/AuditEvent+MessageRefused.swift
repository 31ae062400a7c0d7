import CoxswainAMQP
import CoxswainCore
import Foundation

extension AuditEvent {
    /// The audit record of a dead-lettered message: who sent it (the node of its routing key, when it
    /// is a node's), where, its type and why it was refused.
    package static func messageRefused(routingKey: String, type: String?, reason: String, team: TeamID?, by consumer: String) -> AuditEvent {
        let node = Topology.RoutingKey.parseNode(routingKey)?.node
        return AuditEvent(
            teamID: team, time: Date(), actor: node.map { "node:\($0)" } ?? "unknown", action: "message.refused", target: "routing_key:\(routingKey)",
            outcome: .refused, requestID: nil, details: ["reason": reason, "type": type ?? "none", "consumer": consumer]
        )
    }
}

extension OutgoingMessage {
    /// An audit event, published on its action's routing key.
    package init(audit event: AuditEvent) throws {
        try self.init(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit(event.action))
    }
}
