import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import Foundation
import Hummingbird

/// Control-plane key rotation without downtime: a new key is stored, every enrolled node is sent a
/// hand-over signed by the current key (queued before any batch signed with the new key), then the
/// new key is activated. Nodes keep trusting the old key until batches signed with it expire.
extension GatewayAPI {
    func rotateKeys(_ call: Call) async throws -> Response {
        guard call.principal.teamID == .defaultTeam else {
            return Self.error(.forbidden, "forbidden", "the control-plane key belongs to the installation: owners of team 'default' rotate it")
        }
        let (current, next, nextID) = try await keys.prepareRotation()
        let now = Date().wholeMilliseconds
        let validUntil = now.addingTimeInterval(configuration.security.batchTTL.seconds + 60).wholeMilliseconds
        let text = KeyHandover.signedText(newKey: next.publicKey.base64, previousValidUntil: validUntil, issuedAt: now)
        let handover = KeyHandover(
            newKey: next.publicKey.base64, previousKey: current.publicKey.base64, previousValidUntil: validUntil, issuedAt: now,
            signature: Data(current.sign(Array(text.utf8))).base64EncodedString()
        )
        let nodes = try await self.nodes.enrolledNames().compactMap { try? NodeName(validating: $0) }
        try await publisher.publish(try nodes.map { try OutgoingMessage(handover, exchange: Topology.commands, routingKey: Topology.RoutingKey.node($0)) })
        try await keys.activate(nextID)
        await record(call.principal, action: "keys.rotate", target: "control-plane", outcome: .success, requestID: call.requestID,
                     details: ["new_key": next.publicKey.base64, "nodes": String(nodes.count)])
        return Self.json(["newKey": next.publicKey.base64, "previousKey": current.publicKey.base64, "nodesNotified": String(nodes.count)])
    }
}
