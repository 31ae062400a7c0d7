import Foundation

/// One audit record as listed by `GET /v1/audit` and `coxswain audit list`.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var actor: String
    public var action: String
    public var target: String
    public var outcome: String
    public var requestID: String?
    public var details: String
    public var hash: String

    public init(seq: Int64, time: Date, actor: String, action: String, target: String, outcome: String, requestID: String?, details: String, hash: String) {
        self.seq = seq
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.requestID = requestID
        self.details = details
        self.hash = hash
    }
}

/// `GET /v1/audit/verify`: whether the team's hash chain is intact, and the first broken record.
public struct AuditVerification: Codable, Sendable, Equatable {
    public var intact: Bool
    public var records: Int
    public var firstBrokenSeq: Int64?
    public var reason: String?
    public init(intact: Bool, records: Int, firstBrokenSeq: Int64?, reason: String?) {
        self.intact = intact
        self.records = records
        self.firstBrokenSeq = firstBrokenSeq
        self.reason = reason
    }
}
