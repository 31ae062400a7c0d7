import CoxswainAMQP
import CoxswainCore
import CoxswainStore
import Foundation
import Logging

/// Turns event deliveries into audit records (who, what, which target, which team, outcome).
/// Heartbeats and live output chunks are not state changes and are acknowledged without being
/// stored (the final output is in the task's result).
package struct AuditRecorder: Sendable {
    let repository: AuditRepository
    let notifications: NotificationDispatcher?
    let logger: Logger

    package init(repository: AuditRepository, notifications: NotificationDispatcher? = nil, logger: Logger) {
        self.repository = repository
        self.notifications = notifications
        self.logger = logger
    }

    /// Whether an event type belongs in the audit log.
    package static func isAudited(type: String?) -> Bool {
        type != NodeHeartbeat.messageType && type != OutputChunk.messageType && type != SignedTaskResult.messageType
    }

    /// The audit record for a delivery, or nil when it is not audited.
    package static func record(for delivery: AMQPDelivery) -> AuditRecord? {
        guard isAudited(type: delivery.properties.type) else { return nil }
        let payload = String(decoding: delivery.body, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) != nil ? payload : "{\"raw\":\(jsonString(payload))}"
        let messageID = delivery.properties.messageID ?? "\(delivery.routingKey):\(UUID())"
        var record = AuditRecord(
            messageID: messageID, teamID: nil, eventTime: delivery.properties.timestamp ?? Date(), routingKey: delivery.routingKey,
            messageType: delivery.properties.type, actor: "unknown", action: delivery.routingKey, target: "", outcome: "success",
            requestID: delivery.properties.correlationID, payload: json
        )
        switch delivery.properties.type {
        case AuditEvent.messageType:
            guard let e = try? delivery.decode(AuditEvent.self) else { break }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = e.actor
            record.action = e.action
            record.target = e.target
            record.outcome = e.outcome.rawValue
            record.requestID = e.requestID
            if delivery.routingKey.hasPrefix("node.") {
                // A node speaks only for itself: the broker limits it to its own routing-key prefix.
                record.actor = "node:" + (delivery.routingKey.split(separator: ".").dropFirst().first.map(String.init) ?? "?")
            }
        case JobEvent.messageType:
            guard let e = try? delivery.decode(JobEvent.self) else { break }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = e.kind == .accepted ? (e.actor ?? "unknown") : "service:scheduler"
            record.action = "job.\(e.kind.rawValue)"
            record.target = e.node.map { "job:\(e.jobID)/node:\($0)" } ?? "job:\(e.jobID)"
            record.outcome = e.taskStatus?.rawValue ?? e.jobStatus.rawValue
        case NodeEvent.messageType:
            guard let e = try? delivery.decode(NodeEvent.self) else { break }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = "service:scheduler"
            record.action = "node.\(e.kind.rawValue)"
            record.target = "node:\(e.node)"
        case BootstrapEvent.messageType:
            guard let e = try? delivery.decode(BootstrapEvent.self) else { break }
            // Live output and step starts are progress, not state changes: the run record keeps them.
            if e.kind == .output || e.kind == .stepStarted { return nil }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = "service:bootstrapper"
            record.action = "bootstrap.\(e.kind.rawValue)"
            record.target = "bootstrap:\(e.runID.uuidString.lowercased())" + (e.host.map { "/host:\($0)" } ?? "") + (e.step.map { "/step:\($0 + 1)" } ?? "")
            record.outcome = e.status ?? "success"
        default:
            break
        }
        return record
    }

    /// Appends one batch; returns after the commit.
    package func append(_ deliveries: [AMQPDelivery]) async throws {
        let records = deliveries.compactMap(Self.record(for:))
        let inserted = try await repository.append(records)
        try await notifications?.enqueue(records)
        logger.debug("audit batch appended", metadata: ["audit.batch": "\(deliveries.count)", "audit.inserted": "\(inserted)"])
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
