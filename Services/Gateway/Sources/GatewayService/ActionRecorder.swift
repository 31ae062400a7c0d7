import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import Foundation
import Logging

/// Publishes the audit event of an action (a change, a login, a denial). Never fails the request:
/// an event the broker does not take is logged.
struct ActionRecorder: Sendable {
    let publisher: AMQPPublisher
    let logger: Logger

    /// Publishes `action` on `target` by `principal` (anonymous when nil), in `team` or the principal's team.
    func record(
        _ principal: Principal?, action: String, target: String, outcome: AuditEvent.Outcome, requestID: String, details: [String: String] = [:],
        team: TeamID? = nil
    ) async {
        let event = AuditEvent(
            teamID: team ?? principal?.teamID, time: Date(), actor: principal?.actor ?? "anonymous", action: action, target: target,
            outcome: outcome, requestID: requestID, details: details
        )
        do {
            try await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit(action))])
        } catch {
            logger.error("audit event not published", metadata: ["audit.action": "\(action)", "error": "\(error)"])
        }
    }

    /// Publishes a successful action of an authenticated call.
    func record(_ call: Call, action: String, target: String, details: [String: String] = [:], team: TeamID? = nil) async {
        await record(call.principal, action: action, target: target, outcome: .success, requestID: call.requestID, details: details, team: team)
    }
}
