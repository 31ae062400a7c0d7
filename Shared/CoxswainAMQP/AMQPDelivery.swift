/// One message delivered to an ``AMQPConsumer``. Settle it with ``AMQPConsumer/ack(_:multiple:)``,
/// ``AMQPConsumer/nack(_:requeue:)`` or ``AMQPConsumer/reject(_:requeue:)``.
package struct AMQPDelivery: Sendable {
    /// Raw body bytes.
    package var body: [UInt8]
    /// Exchange the message was published to (empty for the default exchange).
    package var exchange: String
    /// Routing key it was published with.
    package var routingKey: String
    /// Decoded basic properties.
    package var properties: AMQPProperties
    /// `true` if the broker delivered it before (to this or another consumer) without an ack.
    package var redelivered: Bool
    /// Delivery tag, valid only on the connection given by ``generation``.
    package var deliveryTag: UInt64
    /// Which connection of the consumer it came on; settling a delivery from an older
    /// connection is a no-op (the broker redelivers it on the new one).
    package var generation: UInt64

    /// Creates a delivery (the consumer does this; tests may too).
    package init(
        body: [UInt8], exchange: String, routingKey: String, properties: AMQPProperties,
        redelivered: Bool, deliveryTag: UInt64, generation: UInt64
    ) {
        self.body = body
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.redelivered = redelivered
        self.deliveryTag = deliveryTag
        self.generation = generation
    }
}
