import Foundation

/// The AMQP basic properties Coxswain uses on every message.
///
/// `headers` travel as an AMQP field table of strings (trace context, schema version…). On
/// receipt, header values that are not strings (numbers, booleans, RabbitMQ's `x-death`
/// table) are left out.
package struct AMQPProperties: Sendable, Equatable {
    /// Unique message id; consumers deduplicate on it (delivery is at-least-once).
    package var messageID: String?
    /// Correlation id, e.g. the job id a message belongs to.
    package var correlationID: String?
    /// Message type name (doubles as the routing key by convention).
    package var type: String?
    /// MIME type of the body. Default `application/json`.
    package var contentType: String?
    /// Creation time; AMQP carries whole seconds only.
    package var timestamp: Date?
    /// Delivery mode 2 (written to disk on durable queues) when `true`, 1 otherwise. Default `true`.
    package var persistent: Bool
    /// String headers.
    package var headers: [String: String]

    /// Creates properties; everything is optional except the defaults noted on each property.
    package init(
        messageID: String? = nil,
        correlationID: String? = nil,
        type: String? = nil,
        contentType: String? = "application/json",
        timestamp: Date? = nil,
        persistent: Bool = true,
        headers: [String: String] = [:]
    ) {
        self.messageID = messageID
        self.correlationID = correlationID
        self.type = type
        self.contentType = contentType
        self.timestamp = timestamp
        self.persistent = persistent
        self.headers = headers
    }
}
