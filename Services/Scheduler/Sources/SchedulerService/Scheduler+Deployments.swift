import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import CoxswainStore
import Foundation

extension Scheduler {
    /// The deployment coordinator: settles the deployments whose try's `DEPLOY` job has finished
    /// (called after results complete jobs, and on every sweep for whatever a crash left), then
    /// publishes `deployment.succeeded` / `deployment.failed` audit events, which also fire the
    /// teams' webhooks. Settling is idempotent and transactional, so replicas may race safely.
    func settleDeployments() async throws {
        let settled = try await delivery.settleFinishedTries()
        guard !settled.isEmpty else { return }
        var events: [OutgoingMessage] = []
        for d in settled {
            let action = d.status == .successful ? "deployment.succeeded" : "deployment.failed"
            var details = [
                "product": d.product, "version": d.version, "node": d.node, "prefix": d.prefix, "try": "\(d.tryNumber)", "rollback": "\(d.rollback)",
            ]
            if let reason = d.reason { details["reason"] = String(reason.prefix(1000)) }
            if !d.changes.isEmpty { details["replaced"] = d.changes.map(\.description).joined(separator: "; ") }
            let event = AuditEvent(
                teamID: TeamID(d.teamID.uuidString.lowercased()), time: Date(), actor: "service:scheduler", action: action,
                target: "deployment:\(d.id.uuidString.lowercased())",
                outcome: d.status == .successful ? .success : .failed, requestID: nil, details: details)
            events.append(
                try OutgoingMessage(
                    event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit(action),
                    messageID: "\(action):\(d.id.uuidString.lowercased()):\(d.tryNumber)"))
            logger.info(
                "deployment settled",
                metadata: ["deployment.id": "\(d.id.uuidString.lowercased())", "deployment.status": "\(d.status.rawValue)", "deployment.try": "\(d.tryNumber)"])
        }
        try await publisher.publish(events)
    }
}
