/// One node's task as decided by the Scheduler's planner, before it is recorded.
public struct PlannedTask: Sendable, Equatable {
    public var taskID: TaskID
    public var node: NodeName
    /// `pending` when it will be dispatched; `failed` when it cannot run (node offline).
    public var status: TaskStatus
    public var error: String?
    /// The step's position in its block (0 for single-verb jobs), and the step itself.
    public var seq: Int = 0
    public var step: JobStep?
    /// The gate point holding it until the Scheduler sends it (QUERY, JOB_WAIT, REBOOT; -1: the
    /// node is rebooting); `nil`: sent at once.
    public var gate: Int?
    /// The step's fingerprint (`orchestrate --finger-print`), matched by JOB_WAIT.
    public var stepFingerprint: String?

    public init(taskID: TaskID, node: NodeName, status: TaskStatus, error: String? = nil) {
        self.taskID = taskID
        self.node = node
        self.status = status
        self.error = error
    }
}

/// The planner's verdict on a submitted job.
public enum PlanDecision: Sendable, Equatable {
    /// Record these tasks; dispatch the pending ones.
    case dispatch([PlannedTask])
    /// Nothing runs; the job fails with this reason (e.g. unknown targets).
    case reject(String)
}
