/// The lifecycle of one task (one node's share of a job): `pending` until its first outcome, then
/// final for good. Later outcomes (a redelivered result, a reconcile answer after a timeout) change
/// nothing; the recorded outcome is replayed so that the events following from it cannot be lost.
public struct TaskStateMachine: Sendable, Equatable {
    /// What happens to a task.
    public enum Event: Sendable, Equatable, CaseIterable {
        /// The node reported a result with this status.
        case reported(TaskStatus)
        /// No result within its timeout plus grace, and the node had none when asked.
        case overdue
        /// It could not run: its job was refused or failed before it ran, its node dropped it
        /// (QUEUESENTINEL), a gate before it failed.
        case abandoned

        public static var allCases: [Event] { TaskStatus.allCases.map(Event.reported) + [.overdue, .abandoned] }
    }

    /// What to do about an event.
    public enum Action: Sendable, Equatable {
        /// Record this final status (the task was pending).
        case record(TaskStatus)
        /// Already final: record nothing, replay what is recorded (with its events).
        case replay(TaskStatus)
        /// Refuse the event: a result must carry a final status.
        case refuse(reason: String)
    }

    public private(set) var status: TaskStatus

    public init(status: TaskStatus = .pending) {
        self.status = status
    }

    /// Applies an event and says what to do.
    public mutating func received(_ event: Event) -> Action {
        guard status == .pending else { return .replay(status) }
        let next: TaskStatus
        switch event {
        case .reported(.pending): return .refuse(reason: "a result must carry a final status, not pending")
        case .reported(let reported): next = reported
        case .overdue: next = .timedOut
        case .abandoned: next = .failed
        }
        status = next
        return .record(next)
    }
}
