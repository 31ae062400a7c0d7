import CoxswainAMQP
import CoxswainCore
import CoxswainStore
import Foundation
import Logging

/// Turns event deliveries into audit records. Heartbeats and live output chunks are not state
/// changes and are acknowledged without being stored (the final output is in the task's result).
package struct AuditRecorder: Sendable {
    let repository: AuditRepository
    let logger: Logger

    package init(repository: AuditRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// Whether an event type belongs in the audit log.
    package static func isAudited(type: String?) -> Bool {
        type != NodeHeartbeat.messageType && type != OutputChunk.messageType
    }

    /// The audit record for a delivery, or nil when it is not audited.
    package static func record(for delivery: AMQPDelivery) -> AuditRecord? {
        guard isAudited(type: delivery.properties.type) else { return nil }
        let payload = String(decoding: delivery.body, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) != nil ? payload : "{\"raw\":\(jsonString(payload))}"
        return AuditRecord(
            messageID: delivery.properties.messageID ?? "\(delivery.routingKey):\(delivery.deliveryTag):\(UUID())",
            eventTime: delivery.properties.timestamp,
            routingKey: delivery.routingKey,
            messageType: delivery.properties.type,
            payload: json
        )
    }

    /// Appends one batch; returns after the commit.
    package func append(_ deliveries: [AMQPDelivery]) async throws {
        let records = deliveries.compactMap(Self.record(for:))
        let inserted = try await repository.append(records)
        logger.debug("audit batch appended", metadata: ["audit.batch": "\(deliveries.count)", "audit.inserted": "\(inserted)"])
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
