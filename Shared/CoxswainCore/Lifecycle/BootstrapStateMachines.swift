/// The lifecycle of a bootstrap run, as the Bootstrapper drives it.
public struct BootstrapRunStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable, CaseIterable {
        /// A Bootstrapper wants to run it; `leaseExpired` tells whether a running run's lease ran out.
        case claim(leaseExpired: Bool)
        /// Every host is done (or the run was stopped by `error`): the hosts' statuses decide.
        case finish(hostsSucceeded: Bool, error: Bool)

        public static let allCases: [Event] = [
            .claim(leaseExpired: false), .claim(leaseExpired: true),
            .finish(hostsSucceeded: true, error: false), .finish(hostsSucceeded: false, error: false),
            .finish(hostsSucceeded: true, error: true), .finish(hostsSucceeded: false, error: true),
        ]
    }

    public enum Action: Sendable, Equatable {
        /// Record `running` and run it (first time).
        case start
        /// Record `running` again and resume it (its earlier runner died).
        case resume
        /// Another Bootstrapper holds a live lease: try later.
        case leased
        /// Record this final status.
        case complete(BootstrapRunStatus)
        /// Nothing to do: it is final (or was never claimed).
        case none
    }

    public private(set) var status: BootstrapRunStatus

    public init(status: BootstrapRunStatus) {
        self.status = status
    }

    /// The statuses a claim may take a run from (a running one only when its lease expired).
    public static let claimable: [BootstrapRunStatus] = [.queued, .running]

    /// The final status of a run whose hosts ended with these statuses (failed when one did not succeed or the run stopped with an error).
    public static func outcome(hosts: some Sequence<BootstrapHostStatus>, error: Bool) -> BootstrapRunStatus {
        !error && hosts.allSatisfy { $0 == .succeeded } ? .succeeded : .failed
    }

    public mutating func received(_ event: Event) -> Action {
        switch (status, event) {
        case (.queued, .claim):
            status = .running
            return .start
        case (.running, .claim(let expired)):
            return expired ? .resume : .leased
        case (.running, .finish(let succeeded, let error)), (.queued, .finish(let succeeded, let error)):
            status = succeeded && !error ? .succeeded : .failed
            return .complete(status)
        case (.succeeded, _), (.failed, _):
            return .none
        }
    }
}

/// The lifecycle of one host of a run, and of its steps.
public struct BootstrapHostStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable, CaseIterable {
        /// The runner starts (or restarts) the host: its steps go back to `pending`.
        case started
        case finished(succeeded: Bool)

        public static let allCases: [Event] = [.started, .finished(succeeded: true), .finished(succeeded: false)]
    }

    public enum Action: Sendable, Equatable {
        /// Record `running` and reset the host's steps to `pending`.
        case start
        /// Record the final status; on failure, the steps not run yet become `skipped`.
        case finish(BootstrapHostStatus, skipRemainingSteps: Bool)
        /// Not possible from this status (finished hosts are not run again within a run).
        case none
    }

    public private(set) var status: BootstrapHostStatus

    public init(status: BootstrapHostStatus = .pending) {
        self.status = status
    }

    public mutating func received(_ event: Event) -> Action {
        switch (status, event) {
        case (.pending, .started), (.running, .started):
            status = .running
            return .start
        case (.running, .finished(let succeeded)), (.pending, .finished(let succeeded)):
            status = succeeded ? .succeeded : .failed
            return .finish(status, skipRemainingSteps: !succeeded)
        case (.succeeded, _), (.failed, _):
            return .none
        }
    }

    /// The step statuses a failed host turns into `skipped` (those that never finished).
    public static let skippableSteps: [BootstrapStepStatus] = BootstrapStepStatus.allCases.filter { !$0.isFinal }
}

/// The lifecycle of one bootstrap step.
public struct BootstrapStepStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable, CaseIterable {
        /// Its host was (re)started: the step waits again.
        case hostStarted
        case started
        case finished(succeeded: Bool)
        /// Its host failed before the step finished.
        case hostFailed

        public static let allCases: [Event] = [.hostStarted, .started, .finished(succeeded: true), .finished(succeeded: false), .hostFailed]
    }

    public private(set) var status: BootstrapStepStatus

    public init(status: BootstrapStepStatus = .pending) {
        self.status = status
    }

    /// Applies an event; returns the status to record, or nil when nothing changes.
    public mutating func received(_ event: Event) -> BootstrapStepStatus? {
        let next: BootstrapStepStatus?
        switch (status, event) {
        case (_, .hostStarted): next = .pending
        case (.pending, .started), (.running, .started): next = .running
        case (.running, .finished(let succeeded)), (.pending, .finished(let succeeded)): next = succeeded ? .succeeded : .failed
        case (.pending, .hostFailed), (.running, .hostFailed): next = .skipped
        case (.succeeded, _), (.failed, _), (.skipped, _): next = nil
        }
        guard let next, next != status else { return nil }
        status = next
        return next
    }
}
