import CoxswainAMQP
import CoxswainCore
import Foundation

/// Turning typed messages into AMQP messages and back. The payload is JSON; envelope metadata
/// (message id, correlation id, type, schema version, time) goes into AMQP properties.
extension OutgoingMessage {
    /// Builds a persistent message for `message` with a fresh message id.
    package init<M: Message>(
        _ message: M, exchange: ExchangeDeclaration, routingKey: String,
        messageID: String = UUIDv4.string(), correlationID: String? = nil, time: Date = Date()
    ) throws {
        let body = try WireCoding.encode(message)
        self.init(
            exchange: exchange.name,
            routingKey: routingKey,
            body: body,
            properties: AMQPProperties(
                messageID: messageID,
                correlationID: correlationID,
                type: M.messageType,
                timestamp: time,
                headers: Envelope.headers(schema: M.schemaVersion, time: time)
            )
        )
    }
}

/// Envelope header names (metadata apart from the payload, in AMQP headers).
package enum Envelope {
    /// Publication time in milliseconds since 1970 (the AMQP timestamp has whole seconds only):
    /// the queue-lag metric measures from it.
    package static let timestampHeader = "timestamp_ms"

    /// The schema version, and the time in milliseconds when it is representable (never a trap).
    static func headers(schema: Int, time: Date) -> [String: String] {
        var headers = ["schema": String(schema)]
        if let ms = Int64(exactly: (time.timeIntervalSince1970 * 1000).rounded()) { headers[timestampHeader] = String(ms) }
        return headers
    }
}

/// Lower-case UUID strings for message ids.
package enum UUIDv4 {
    package static func string() -> String { UUID().uuidString.lowercased() }
}

/// Why a delivery could not be turned into a message: never retriable, so it is dead-lettered.
package struct UndecodableMessage: Error, CustomStringConvertible {
    package let type: String?
    package let expected: String
    package let reason: String
    package var description: String { "undecodable message (type \(type ?? "none"), expected \(expected)): \(reason)" }
}

extension AMQPDelivery {
    /// Decodes the payload as `M`, checking the AMQP `type` property when present.
    package func decode<M: Message>(_: M.Type) throws -> M {
        if let t = properties.type, t != M.messageType {
            throw UndecodableMessage(type: t, expected: M.messageType, reason: "wrong message type")
        }
        do {
            return try WireCoding.decode(M.self, from: body)
        } catch {
            throw UndecodableMessage(type: properties.type, expected: M.messageType, reason: "\(error)")
        }
    }
}
