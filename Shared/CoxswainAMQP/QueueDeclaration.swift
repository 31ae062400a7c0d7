/// A queue to declare (idempotently) on every connect.
///
/// Redeclaring an existing queue with different settings fails with PRECONDITION_FAILED
/// (``AMQPError/channelClosed(code:text:)`` with code 406).
package struct QueueDeclaration: Sendable, Hashable {
    /// Queue name.
    package var name: String
    /// Survives a broker restart (with persistent messages). Default `true`.
    package var durable: Bool
    /// Owned by the declaring connection and deleted with it. Default `false`.
    package var exclusive: Bool
    /// Deleted when its last consumer goes away. Default `false`.
    package var autoDelete: Bool
    /// Exchange that receives rejected/expired messages (`x-dead-letter-exchange`).
    package var deadLetterExchange: String?
    /// Per-queue message time to live (`x-message-ttl`, whole milliseconds).
    package var messageTTL: Duration?

    /// Creates a queue declaration.
    package init(
        name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        deadLetterExchange: String? = nil, messageTTL: Duration? = nil
    ) {
        self.name = name
        self.durable = durable
        self.exclusive = exclusive
        self.autoDelete = autoDelete
        self.deadLetterExchange = deadLetterExchange
        self.messageTTL = messageTTL
    }
}
