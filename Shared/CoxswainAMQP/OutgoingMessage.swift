/// A message to publish: where it goes, its body and its properties.
package struct OutgoingMessage: Sendable {
    /// Exchange name; the empty string is the default exchange (routing key = queue name).
    package var exchange: String
    /// Routing key.
    package var routingKey: String
    /// Raw body bytes (usually JSON).
    package var body: [UInt8]
    /// Basic properties (message id, persistence…).
    package var properties: AMQPProperties

    /// Creates a message.
    package init(exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties = AMQPProperties()) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
    }
}
