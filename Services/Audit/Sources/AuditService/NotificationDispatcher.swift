import CoxswainCore
import CoxswainNotify
import CoxswainStore
import Foundation
import Logging

/// Turns audit records into webhook deliveries for the teams' subscriptions, and sends due
/// deliveries with retries and back-off (every attempt is recorded in `notification_deliveries`).
package struct NotificationDispatcher: Sendable {
    let repository: NotificationRepository
    let sender: WebhookSender
    let policy: RetryPolicy
    let logger: Logger

    package init(repository: NotificationRepository, sender: WebhookSender, policy: RetryPolicy = .default, logger: Logger) {
        self.repository = repository
        self.sender = sender
        self.policy = policy
        self.logger = logger
    }

    /// The notification type of an audit record: `job.failed`, `node.offline`, `node.enrolled`, …
    package static func type(of record: AuditRecord) -> String {
        switch record.action {
        case "job.completed": "job.\(record.outcome)"
        case "node.enrol": record.outcome == "success" ? "node.enrolled" : "node.enrol_refused"
        case "member.invite": "member.invited"
        default: record.action
        }
    }

    /// Queues deliveries for every record of a team (idempotent: safe for redelivered batches).
    package func enqueue(_ records: [AuditRecord]) async throws {
        var events: [(team: TeamID, type: String, id: String, json: String)] = []
        for r in records {
            guard let team = r.teamID, !r.action.hasPrefix("notification.") else { continue }
            let type = Self.type(of: r)
            let event = NotificationEvent(
                id: r.messageID, team: team.rawValue, type: type, time: r.eventTime, actor: r.actor, target: r.target,
                summary: "\(type): \(r.target) (\(r.outcome)) by \(r.actor)", details: ["outcome": r.outcome]
            )
            events.append((team, type, r.messageID, String(decoding: try WireCoding.encode(event), as: UTF8.self)))
        }
        let queued = try await repository.enqueue(events)
        if queued > 0 { logger.debug("notifications queued", metadata: ["notify.queued": "\(queued)"]) }
    }

    /// Sends what is due; returns how many deliveries were attempted.
    @discardableResult
    package func dispatchDue() async throws -> Int {
        let due = try await repository.claimDue(limit: 20, lease: .seconds(60))
        for d in due {
            let attempt = d.attempts + 1
            guard let event = try? WireCoding.decode(NotificationEvent.self, from: Array(d.event.utf8)),
                let format = WebhookFormat(rawValue: d.format), let body = try? WebhookPayload.body(for: event, format: format)
            else {
                try await repository.record(id: d.id, delivered: false, status: nil, error: "unreadable event", retryAt: nil)
                continue
            }
            let outcome = await sender.deliver(url: d.url, body: body, eventType: d.eventType, eventID: event.id)
            if outcome.delivered {
                try await repository.record(id: d.id, delivered: true, status: outcome.statusCode, error: nil, retryAt: nil)
                logger.info(
                    "notification delivered", metadata: ["notify.delivery": "\(d.id)", "notify.type": "\(d.eventType)", "notify.attempt": "\(attempt)"])
                continue
            }
            let delay = outcome.retriable ? policy.delay(afterAttempt: attempt, retryAfter: outcome.retryAfter) : nil
            try await repository.record(
                id: d.id, delivered: false, status: outcome.statusCode, error: outcome.error,
                retryAt: delay.map { Date().addingTimeInterval($0.seconds) }
            )
            logger.warning(
                delay == nil ? "notification failed for good" : "notification failed; will retry",
                metadata: [
                    "notify.delivery": "\(d.id)", "notify.attempt": "\(attempt)", "notify.status": "\(outcome.statusCode.map(String.init) ?? "-")",
                    "notify.error": "\(outcome.error ?? "")", "notify.retry_in": "\(delay.map { "\($0)" } ?? "never")",
                ])
        }
        return due.count
    }
}
