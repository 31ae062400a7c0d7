import CoxswainCore

/// What one node's broker user may do, as RabbitMQ permission patterns. Pure data: computing it
/// needs no broker, ``BrokerAdmin/grantNode(_:queue:eventsExchange:)`` applies it.
///
/// - configure `^$`: the node declares, deletes and binds nothing (the Gateway declares its
///   queue and binding with admin credentials at enrolment).
/// - write `^<events exchange>$`: it publishes only to the events exchange (not to the
///   commands exchange, not to the default exchange, not to any queue).
/// - read `^<its queue>$`: it consumes (and may `basic.get` / purge) only its own queue.
/// - topic permissions on the events exchange: write `^node\.<node>\.`, read `^$`: its routing
///   keys must start with `node.<node>.` (`Topology.RoutingKey.nodePrefix`).
///
/// A node name containing `.` makes the prefixes of two nodes overlap: node `web` may publish
/// under `node.web.1.` too, which is node `web.1`'s prefix. Names without `.` do not overlap.
package struct NodeBrokerPermissions: Sendable, Equatable {
    /// Broker user names of nodes start with this.
    package static let userPrefix = "coxswain-node-"

    /// The node's broker user name, `coxswain-node-<node>`.
    package var user: String
    /// Pattern of resources the user may declare, delete or bind (configure permission).
    package var configure: String
    /// Pattern of exchanges and queues the user may publish to or bind (write permission).
    package var write: String
    /// Pattern of queues the user may consume and exchanges it may bind from (read permission).
    package var read: String
    /// The topic exchange the topic permissions below apply to.
    package var topicExchange: String
    /// Pattern of routing keys the user may publish with on ``topicExchange``.
    package var topicWrite: String
    /// Pattern of routing keys the user may bind with on ``topicExchange`` (none).
    package var topicRead: String

    /// The permissions of `node`, consuming `queue` (`coxswain.node.<node>`) and publishing
    /// events to `eventsExchange` (`coxswain.events`) under the routing-key prefix `node.<node>.`.
    package init(node: String, queue: String, eventsExchange: String) {
        user = Self.userName(node: node)
        configure = BrokerRegex.nothing
        write = BrokerRegex.exactly(eventsExchange)
        read = BrokerRegex.exactly(queue)
        topicExchange = eventsExchange
        topicWrite = BrokerRegex.prefix(Self.routingKeyPrefix(node: node))
        topicRead = BrokerRegex.nothing
    }

    /// `coxswain-node-<node>`.
    package static func userName(node: String) -> String { userPrefix + node }

    /// `node.<node>.`: every routing key the node publishes starts with it (same as
    /// `Topology.RoutingKey.nodePrefix`).
    package static func routingKeyPrefix(node: String) -> String { "node.\(node)." }

    /// `nil` if `node` is a valid node name (1–63 of `a-z 0-9 - _ .`, starting with a letter or
    /// digit, the rule of `NodeName`), else the reason. The name ends up in a user name, a
    /// URL path and permission patterns, so nothing else is accepted.
    package static func validate(node: String) -> String? {
        guard NodeName.isValid(node) else { return NodeNameError(name: node).description }
        return nil
    }
}
