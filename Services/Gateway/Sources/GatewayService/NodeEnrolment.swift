import CoxswainAMQP
import CoxswainBrokerAdmin
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainStore
import Foundation
import Logging

/// Adds pending nodes with one-time tokens and turns a token plus the node's public keys into the
/// node's own broker user (it may read only its queue and publish only under `node.<name>.`).
package struct NodeEnrolment: Sendable {
    let nodes: NodeRepository
    let keys: ControlKeyRepository
    let admin: BrokerAdmin
    let publisher: AMQPPublisher
    /// Broker address for nodes, without credentials.
    let broker: AMQPConfiguration
    let tokenTTL: Duration
    let logger: Logger

    package init(
        nodes: NodeRepository, keys: ControlKeyRepository, admin: BrokerAdmin, publisher: AMQPPublisher, broker: AMQPConfiguration, tokenTTL: Duration,
        logger: Logger
    ) {
        self.nodes = nodes
        self.keys = keys
        self.admin = admin
        self.publisher = publisher
        self.broker = broker
        self.tokenTTL = tokenTTL
        self.logger = logger
    }

    /// Adds a pending node; returns its one-time enrolment token and expiry.
    package func add(team: TeamID, name: NodeName, labels: [String: String], ttl: Duration?) async throws -> (token: String, expiresAt: Date) {
        let token = Tokens.generate(prefix: "cxe_")
        let expiresAt = Date().addingTimeInterval((ttl ?? tokenTTL).seconds)
        try await nodes.addPending(team: team, name: name, labels: labels, tokenHash: Tokens.hash(token), expiresAt: expiresAt)
        return (token, expiresAt)
    }

    /// Completes an enrolment, or nil when the token is wrong, used or expired.
    package func enrol(_ request: EnrolRequest) async throws -> EnrolResponse? {
        guard let name = try? NodeName(validating: request.node) else { return nil }
        let hash = Tokens.hash(request.token)
        guard let team = try await nodes.pendingEnrolment(name: name, tokenHash: hash) else { return nil }
        _ = try SigningPublicKey(base64: request.signingPublicKey)
        _ = try SealingPublicKey(base64: request.sealingPublicKey)
        let queue = Topology.nodeQueue(name)
        try await publisher.declare(
            TopologyDeclaration(
                exchanges: [Topology.commands, Topology.events], queues: [queue],
                bindings: [BindingDeclaration(queue: queue.name, exchange: Topology.commands.name, routingKey: Topology.RoutingKey.node(name))]
            )
        )
        let grant = try await admin.grantNode(name.rawValue, queue: queue.name, eventsExchange: Topology.events.name)
        guard
            try await nodes.completeEnrolment(
                name: name, tokenHash: hash, signingKey: request.signingPublicKey, sealingKey: request.sealingPublicKey,
                machineID: request.machineID, brokerUser: grant.user
            )
        else {
            try? await admin.revokeNode(name.rawValue)
            return nil
        }
        let trusted = try await keys.trustedPublicKeys()
        let controlKeys = trusted.isEmpty ? [try await keys.activeKey().pair.publicKey.base64] : trusted
        logger.notice("node enrolled", metadata: ["node.name": "\(name)", "node.broker_user": "\(grant.user)"])
        return EnrolResponse(
            node: name.rawValue, teamID: team.rawValue, amqpURL: grant.amqpURL(host: broker.host, port: broker.port), queue: queue.name,
            controlPlaneKeys: controlKeys
        )
    }

    /// Removes a node and its broker user (its connections are closed). False when the team has no such node.
    package func remove(team: TeamID, name: String) async throws -> Bool {
        guard let brokerUser = try await nodes.remove(team: team, name: name) else { return false }
        if brokerUser != nil { try await admin.revokeNode(name) }
        // Its queue too: batches left in it must not reach a node enrolled later under the same name.
        if let node = try? NodeName(validating: name) { try await admin.deleteQueue(Topology.nodeQueue(node).name) }
        return true
    }
}
