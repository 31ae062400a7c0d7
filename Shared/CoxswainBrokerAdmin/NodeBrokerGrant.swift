import CoxswainAMQP

/// The broker credentials of one node, as issued by ``BrokerAdmin/grantNode(_:queue:eventsExchange:)``:
/// hand them to the node at enrolment. The password is a secret: ``description`` and
/// ``customMirror`` redact it.
package struct NodeBrokerGrant: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Broker user name, `coxswain-node-<node>`.
    package var user: String
    /// Generated password (32 random bytes, unpadded base64url). **Secret.**
    package var password: String
    /// Virtual host the user may use.
    package var vhost: String
    /// The node's own queue, the only one it may consume.
    package var queue: String

    /// Creates a grant.
    package init(user: String, password: String, vhost: String, queue: String) {
        self.user = user
        self.password = password
        self.vhost = vhost
        self.queue = queue
    }

    /// `base` (the broker's host, port, timeouts) with this grant's user, password and vhost:
    /// what the node's Deployer connects with.
    package func amqpConfiguration(basedOn base: AMQPConfiguration) -> AMQPConfiguration {
        var configuration = base
        configuration.user = user
        configuration.password = password
        configuration.vhost = vhost
        return configuration
    }

    /// `amqp://user:password@host:port/vhost`, percent-encoded, for the node's configuration.
    /// **Contains the password.**
    package func amqpURL(host: String, port: Int = AMQPConfiguration.defaultPort) -> String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return
            "amqp://\(PercentEncoding.encode(user)):\(PercentEncoding.encode(password))@\(hostPart):\(port)/\(PercentEncoding.encode(vhost))"
    }

    /// The grant without its password, safe to log.
    package var description: String { "NodeBrokerGrant(user: \(user), password: ***, vhost: \(vhost), queue: \(queue))" }

    /// Mirror without the password, so `dump()` does not print it either.
    package var customMirror: Mirror {
        Mirror(self, children: ["user": user, "password": "***", "vhost": vhost, "queue": queue])
    }
}
