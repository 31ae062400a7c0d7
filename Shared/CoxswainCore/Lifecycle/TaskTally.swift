/// How a job's tasks stand: what the job lifecycle decides on.
public struct TaskTally: Sendable, Equatable {
    /// Tasks waiting for their result.
    public var pending: Int
    public var succeeded: Int
    /// Failed or timed out.
    public var failed: Int

    public init(pending: Int = 0, succeeded: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.succeeded = succeeded
        self.failed = failed
    }

    /// Tallies a list of task statuses.
    public init(_ statuses: some Sequence<TaskStatus>) {
        self.init()
        for status in statuses { add(status) }
    }

    /// Counts one more task.
    public mutating func add(_ status: TaskStatus, count: Int = 1) {
        switch status {
        case .pending: pending += count
        case .succeeded: succeeded += count
        case .failed, .timedOut: failed += count
        }
    }

    public var total: Int { pending + succeeded + failed }
}
