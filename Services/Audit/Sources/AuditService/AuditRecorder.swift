import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import CoxswainObservability
import CoxswainStore
import Foundation
import Logging
import Metrics

/// Turns event deliveries into audit records (who, what, which target, which team, outcome).
/// Heartbeats and live output chunks are not state changes and are acknowledged without being
/// stored (the final output is in the task's result).
package struct AuditRecorder: Sendable {
    let repository: AuditRepository
    let nodes: NodeRepository
    let notifications: NotificationDispatcher?
    let logger: Logger

    package init(repository: AuditRepository, nodes: NodeRepository, notifications: NotificationDispatcher? = nil, logger: Logger) {
        self.repository = repository
        self.nodes = nodes
        self.notifications = notifications
        self.logger = logger
    }

    /// Whether an event type belongs in the audit log.
    package static func isAudited(type: String?) -> Bool {
        type != NodeHeartbeat.messageType && type != SignedHeartbeat.messageType && type != OutputChunk.messageType
            && type != SignedTaskResult.messageType
    }

    /// What the recorder does with one delivery.
    package enum Decision: Equatable, Sendable {
        /// Not a state change (heartbeats, output, results): acked, not stored.
        case skip
        /// Stored as is.
        case record(AuditRecord)
        /// A node's message that its routing key does not allow: stored as a refusal under the
        /// node's enrolment team, then dead-lettered.
        case refuse(AuditRecord)
    }

    /// The decision for a delivery. `nodeTeams` maps enrolled node names to their enrolment team:
    /// a message on `node.<name>.…` speaks for that node and that team only, whatever its payload says.
    package static func decide(_ delivery: AMQPDelivery, nodeTeams: [String: TeamID]) -> Decision {
        let type = delivery.properties.type
        let node = Topology.RoutingKey.parseNode(delivery.routingKey)?.node
        if let node {
            let team = nodeTeams[node.rawValue]
            var problem = Topology.RoutingKey.nodeMessageProblem(routingKey: delivery.routingKey, type: type, claimedNode: nil)
            if problem == nil, team == nil { problem = "node \(node) is not enrolled" }
            if problem == nil, type == AuditEvent.messageType, (try? delivery.decode(AuditEvent.self)) == nil { problem = "undecodable audit event" }
            if let problem {
                var record = baseRecord(delivery)
                record.teamID = team
                record.actor = "node:\(node)"
                record.action = "message.refused"
                record.target = "routing_key:\(delivery.routingKey)"
                record.outcome = "refused"
                record.requestID = nil
                record.eventTime = Date()
                record.payload = jsonObject(["reason": problem, "type": type ?? "none"])
                return .refuse(record)
            }
        }
        guard isAudited(type: type) else { return .skip }
        var record = baseRecord(delivery)
        switch type {
        case AuditEvent.messageType:
            guard let e = try? delivery.decode(AuditEvent.self) else { break }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = e.actor
            record.action = e.action
            record.target = e.target
            record.outcome = e.outcome.rawValue
            record.requestID = e.requestID
            if let node {
                // A node speaks only for itself and its enrolment team: the broker limits it to its own routing-key prefix.
                record.actor = "node:\(node)"
                record.teamID = nodeTeams[node.rawValue]
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
            if e.kind == .output || e.kind == .stepStarted { return .skip }
            record.teamID = e.teamID
            record.eventTime = e.time
            record.actor = "service:bootstrapper"
            record.action = "bootstrap.\(e.kind.rawValue)"
            record.target = "bootstrap:\(e.runID.uuidString.lowercased())" + (e.host.map { "/host:\($0)" } ?? "") + (e.step.map { "/step:\($0 + 1)" } ?? "")
            record.outcome = e.status ?? "success"
        default:
            break
        }
        // An event time out of range is replaced by the time of receipt.
        if ValueRange.problem(date: record.eventTime, field: "time") != nil { record.eventTime = Date() }
        return .record(record)
    }

    /// The record with what every delivery has: id, routing key, type, time, raw payload.
    static func baseRecord(_ delivery: AMQPDelivery) -> AuditRecord {
        let payload = String(decoding: delivery.body, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) != nil ? payload : "{\"raw\":\(jsonString(payload))}"
        let messageID = delivery.properties.messageID ?? "\(delivery.routingKey):\(UUID())"
        return AuditRecord(
            messageID: messageID, teamID: nil, eventTime: delivery.properties.timestamp ?? Date(), routingKey: delivery.routingKey,
            messageType: delivery.properties.type, actor: "unknown", action: delivery.routingKey, target: "", outcome: "success",
            requestID: delivery.properties.correlationID, payload: json
        )
    }

    /// Appends one batch; returns after the commit. Refused node messages are recorded as
    /// refusals and returned, for the caller to dead-letter after the commit.
    package func append(_ deliveries: [AMQPDelivery]) async throws -> [AMQPDelivery] {
        let names = Set(deliveries.compactMap { Topology.RoutingKey.parseNode($0.routingKey)?.node.rawValue })
        let nodeTeams = names.isEmpty ? [:] : try await nodes.enrolmentTeams(Array(names))
        var records: [AuditRecord] = []
        var refused: [AMQPDelivery] = []
        for delivery in deliveries {
            switch Self.decide(delivery, nodeTeams: nodeTeams) {
            case .skip: break
            case .record(let r): records.append(r)
            case .refuse(let r):
                records.append(r)
                refused.append(delivery)
            }
        }
        let inserted = try await repository.append(records)
        if inserted > 0 { Counter(label: MetricName.auditEventsRecorded).increment(by: Int64(inserted)) }
        try await notifications?.enqueue(records)
        logger.debug("audit batch appended", metadata: ["audit.batch": "\(deliveries.count)", "audit.inserted": "\(inserted)"])
        return refused
    }

    static func jsonObject(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
