import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainStore
import Foundation
import Hummingbird

/// Control-plane key rotation without downtime: a new key is stored, every enrolled node is sent a
/// hand-over signed by the current key (queued before any batch signed with the new key), then the
/// new key is activated. Nodes keep trusting the old key until batches signed with it expire.
struct KeysController: Sendable {
    let keys: ControlKeyRepository
    let nodes: NodeRepository
    let publisher: AMQPPublisher
    /// How long a signed batch stays valid (`security.batch_ttl`): the old key is trusted that much longer.
    let batchTTL: Duration
    let recorder: ActionRecorder

    /// `POST /v1/keys/rotate` (owners of team `default`).
    func rotate(_ call: Call) async throws -> Response {
        guard call.principal.teamID == .defaultTeam else {
            throw HTTPResponseError.forbidden("the control-plane key belongs to the installation: owners of team 'default' rotate it")
        }
        let (current, next, nextID) = try await keys.prepareRotation()
        let now = Date().wholeMilliseconds
        let validUntil = now.addingTimeInterval(batchTTL.seconds + 60).wholeMilliseconds
        let text = KeyHandover.signedText(newKey: next.publicKey.base64, previousValidUntil: validUntil, issuedAt: now)
        let handover = KeyHandover(
            newKey: next.publicKey.base64, previousKey: current.publicKey.base64, previousValidUntil: validUntil, issuedAt: now,
            signature: Data(current.sign(Array(text.utf8))).base64EncodedString()
        )
        let nodes = try await self.nodes.enrolledNames().compactMap { try? NodeName(validating: $0) }
        try await publisher.publish(try nodes.map { try OutgoingMessage(handover, exchange: Topology.commands, routingKey: Topology.RoutingKey.node($0)) })
        try await keys.activate(nextID)
        await recorder.record(call, action: "keys.rotate", target: "control-plane", details: ["new_key": next.publicKey.base64, "nodes": String(nodes.count)])
        return APIResponse.json(["newKey": next.publicKey.base64, "previousKey": current.publicKey.base64, "nodesNotified": String(nodes.count)])
    }
}
