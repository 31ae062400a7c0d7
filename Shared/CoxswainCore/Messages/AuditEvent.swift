import Foundation

/// An auditable action, published by any service on the events exchange (`audit.<action>`):
/// who did what to which target in which team, and how it ended. Payloads never hold secrets.
public struct AuditEvent: Message {
    public static let messageType = "audit.event"

    public enum Outcome: String, Codable, Sendable {
        case success
        case denied
        case failed
        case refused
    }

    public var teamID: TeamID?
    public var time: Date
    /// `local:uid:1000`, `alice (token 3f2a…)`, `node:web-1`, `service:scheduler`.
    public var actor: String
    /// `job.submit`, `token.create`, `member.invite`, `node.enrol`, `task_batch.refused`, …
    public var action: String
    public var target: String
    public var outcome: Outcome
    public var requestID: String?
    /// Details, secrets redacted.
    public var details: [String: String]

    public init(
        teamID: TeamID?, time: Date, actor: String, action: String, target: String, outcome: Outcome, requestID: String?, details: [String: String] = [:]
    ) {
        self.teamID = teamID
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.requestID = requestID
        self.details = details
    }
}
