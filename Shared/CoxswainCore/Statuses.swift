/// Lifecycle of a job as recorded in Postgres.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted by the Gateway, not yet planned by a Scheduler.
    case submitted
    /// Tasks recorded and sent to the nodes; results are coming in.
    case dispatched
    /// Every task succeeded.
    case succeeded
    /// At least one task failed, timed out or could not be dispatched; or the job could not be planned.
    case failed

    public var isFinal: Bool { self == .succeeded || self == .failed }
}

/// Lifecycle of one task (one node's share of a job).
public enum TaskStatus: String, Codable, Sendable, CaseIterable {
    /// Recorded, waiting for its result.
    case pending
    case succeeded
    case failed
    /// No result within the timeout, or the process was killed at its timeout.
    case timedOut = "timed_out"

    public var isFinal: Bool { self != .pending }
}

/// Liveness of a node, derived from its heartbeats.
public enum NodeStatus: String, Codable, Sendable {
    /// Added by an admin; its enrolment token not used yet.
    case pending
    case online
    case offline
    /// Ran REBOOT: its new work waits until an agent started after the reboot reports.
    case rebooting
}
