import Foundation

/// `POST /v1/notifications` (admins): subscribe a webhook to event types.
public struct AddNotificationRequest: Codable, Sendable, Equatable {
    public var url: String
    /// `generic` (JSON event), `slack` or `discord`.
    public var format: String?
    /// Event types, e.g. `job.failed`, `node.offline`, `node.enrolled`, `member.invited`; `job.*` or `*`.
    public var events: [String]
    public init(url: String, format: String? = nil, events: [String]) {
        self.url = url
        self.format = format
        self.events = events
    }
}

/// A subscription as listed (the URL is shown without path or query: it is a secret).
public struct NotificationInfo: Codable, Sendable, Equatable {
    public var id: String
    public var url: String
    public var format: String
    public var events: [String]
    public var delivered: Int
    public var pending: Int
    public var failed: Int
    public var lastError: String?
    public init(id: String, url: String, format: String, events: [String], delivered: Int, pending: Int, failed: Int, lastError: String?) {
        self.id = id
        self.url = url
        self.format = format
        self.events = events
        self.delivered = delivered
        self.pending = pending
        self.failed = failed
        self.lastError = lastError
    }

    /// Known event types (others may be subscribed too: every audit action is one).
    public static let knownEvents = [
        "job.failed", "job.succeeded", "node.online", "node.offline", "node.enrolled", "node.rekeyed", "member.invited", "member.join",
        "token.create", "token.revoke", "task_batch.refused", "task_result.refused", "keys.rotate", "notification.test", "version.create",
        "deployment.started", "deployment.succeeded", "deployment.failed", "deployment.rollback",
    ]
}
