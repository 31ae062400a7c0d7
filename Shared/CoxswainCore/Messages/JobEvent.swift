import Foundation

/// A state change of a job, published on the events exchange by the Gateway (accepted) and the
/// Scheduler (dispatched, task finished, completed). Gateways stream these to clients; Audit records them.
public struct JobEvent: Message {
    public static let messageType = "job.event"

    public enum Kind: String, Codable, Sendable {
        case accepted
        case dispatched
        case taskFinished = "task_finished"
        case completed
    }

    public var kind: Kind
    public var jobID: JobID
    /// The job's team (nil only for events from before teams existed).
    public var teamID: TeamID?
    public var time: Date
    /// The job's status after this event.
    public var jobStatus: JobStatus
    /// Set for `taskFinished`.
    public var node: NodeName?
    public var taskStatus: TaskStatus?
    public var exitCode: Int32?
    /// Nodes the job was dispatched to (set for `dispatched`).
    public var nodes: [NodeName]?
    /// Who submitted (set for `accepted`): e.g. `uid:1000` for a local socket peer.
    public var actor: String?
    /// Verb and arguments (set for `accepted`).
    public var verb: Verb?
    public var arguments: String?
    /// A failure reason for the whole job (e.g. unknown target), set for `completed`.
    public var error: String?

    public init(kind: Kind, jobID: JobID, time: Date, jobStatus: JobStatus) {
        self.kind = kind
        self.jobID = jobID
        self.time = time
        self.jobStatus = jobStatus
    }
}
