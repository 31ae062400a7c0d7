/// A queue-to-exchange binding to declare (idempotently) on every connect.
package struct BindingDeclaration: Sendable, Hashable {
    /// Queue name.
    package var queue: String
    /// Exchange name.
    package var exchange: String
    /// Routing key, or pattern for topic exchanges (`job.*`, `#`).
    package var routingKey: String

    /// Creates a binding declaration.
    package init(queue: String, exchange: String, routingKey: String) {
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
    }
}
