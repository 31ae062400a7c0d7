/// The lifecycle of a job: `submitted` → `dispatched` → `succeeded` | `failed`, or straight from
/// `submitted` to `failed` when it cannot be planned or every target is unreachable.
///
/// The rule the Scheduler and the store follow (and nothing else decides a job's status): a job is
/// complete when none of its tasks is pending; it succeeded when every task succeeded, else it
/// failed. Only one replica moves a job out of `submitted` (the store claims it under a row lock).
public struct JobStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// A Scheduler planned the job into tasks (those it could not send are already failed).
        case planned(TaskTally)
        /// The job cannot run: its plan was rejected, or its seal does not verify.
        case rejected(reason: String)
        /// Some of its tasks finished; this is how they all stand now.
        case tasksSettled(TaskTally)
    }

    public enum Action: Sendable, Equatable {
        /// Nothing to record.
        case none
        /// Record `dispatched`: the tasks are on their way.
        case dispatch
        /// Record this final status and announce the job as complete.
        case complete(JobStatus)
        /// Already final: record nothing (another replica or an earlier delivery completed it).
        case alreadyFinal(JobStatus)
    }

    public private(set) var status: JobStatus

    public init(status: JobStatus = .submitted) {
        self.status = status
    }

    /// The final status for a settled set of tasks, or nil while one is pending.
    public static func outcome(of tally: TaskTally) -> JobStatus? {
        guard tally.pending == 0 else { return nil }
        return tally.failed == 0 && tally.total > 0 ? .succeeded : .failed
    }

    public mutating func received(_ event: Event) -> Action {
        if status.isFinal { return .alreadyFinal(status) }
        switch (status, event) {
        case (_, .rejected):
            status = .failed
            return .complete(.failed)
        case (.submitted, .planned(let tally)):
            if let outcome = Self.outcome(of: tally) {
                // Nothing is left to run: every task failed at planning (or there were none).
                status = outcome
                return .complete(outcome)
            }
            status = .dispatched
            return .dispatch
        case (.dispatched, .planned):
            // Another replica planned it first.
            return .none
        case (.dispatched, .tasksSettled(let tally)):
            guard let outcome = Self.outcome(of: tally) else { return .none }
            status = outcome
            return .complete(outcome)
        case (.submitted, .tasksSettled):
            // Not planned yet: its tasks do not exist.
            return .none
        case (.succeeded, _), (.failed, _):
            return .alreadyFinal(status)
        }
    }
}
