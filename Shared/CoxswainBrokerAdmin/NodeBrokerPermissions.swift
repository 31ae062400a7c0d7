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

    /// The node's broker user name, `coxswain-node-<node>` (in another vhost than `/`,
    /// `coxswain-node-<node>~<vhost>`: see ``userName(node:vhost:)``).
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
    package init(node: String, queue: String, eventsExchange: String, vhost: String = "/") {
        user = Self.userName(node: node, vhost: vhost)
        configure = BrokerRegex.nothing
        write = BrokerRegex.exactly(eventsExchange)
        read = BrokerRegex.exactly(queue)
        topicExchange = eventsExchange
        topicWrite = BrokerRegex.prefix(Self.routingKeyPrefix(node: node))
        topicRead = BrokerRegex.nothing
    }

    /// `coxswain-node-<node>` in the vhost `/`; `coxswain-node-<node>~<vhost>` in any other. Broker
    /// users are global to the broker while queues are per vhost: two Coxswain installations (or
    /// test platforms) sharing one broker under different vhosts must not share, or delete, each
    /// other's node users. The vhost keeps `A-Z a-z 0-9 _ -`; any other byte becomes `.xx` (hex),
    /// so the name needs no escaping in a URL and two vhosts never give the same name (`~` is in
    /// no node name).
    package static func userName(node: String, vhost: String = "/") -> String {
        guard vhost != "/" else { return userPrefix + node }
        var suffix = ""
        for byte in vhost.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"),
                UInt8(ascii: "-"):
                suffix.append(Character(UnicodeScalar(byte)))
            default:
                suffix += "." + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        return userPrefix + node + "~" + suffix
    }

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

extension String {
    /// The string with `0` in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
