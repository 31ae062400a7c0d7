/// The decisions of supervising one child process, free of I/O: when to signal its process
/// group, how long to wait for output, and when to stop and reap it.
///
/// The driver (``ProcessRunner``) observes the child, calls ``next(_:)`` and performs the returned
/// action, over and over until ``Action/finish``. Time comes in through the observations, so the
/// policy is tested without processes or sleeping.
///
/// Policy:
/// - While the child runs, output is awaited for at most ``Configuration/pollInterval`` at a time,
///   so its exit is noticed even while a background grandchild keeps the pipes open. Once both
///   pipes are closed, exit is checked with a short back-off starting at
///   ``Configuration/initialExitCheck`` (the child usually becomes reapable microseconds after
///   closing them), still bounded by the deadlines.
/// - Timeout or cancellation while the child runs: SIGTERM to the group, then SIGKILL to the group
///   once `killGrace` has passed. If the child has exited and its pipes are closed before then,
///   SIGKILL goes to the group at once, to sweep up members that ignored SIGTERM: it must happen
///   before the child is reaped, because only the unreaped child keeps the group id from being
///   reused. Members still holding the pipes get the whole grace.
/// - After the child exits, remaining output is drained for at most
///   ``Configuration/drainWindow``. A background grandchild that still holds the pipes is left
///   alone (like `ssh` or Directord, the run ends when the command does); it is in the child's
///   process group and will get SIGPIPE if it writes to the closed pipes.
/// - Cancellation that arrives after the child exited changes nothing: the outcome stands.
struct ProcessSupervision {
    /// Timing parameters.
    struct Configuration: Equatable {
        /// How long the child may run before the group gets SIGTERM.
        var timeout: Duration
        /// How long after SIGTERM the group gets SIGKILL.
        var killGrace: Duration
        /// Longest wait for output while the child runs; bounds how late its exit is noticed.
        var pollInterval: Duration = .milliseconds(50)
        /// How long to keep reading after the child exited while something still holds the pipes.
        var drainWindow: Duration = .milliseconds(100)
        /// First wait between exit checks once both pipes are closed; doubles up to `pollInterval`.
        var initialExitCheck: Duration = .microseconds(100)
    }

    /// Why the process group was signalled.
    enum TerminationReason: Equatable {
        case timeout
        case cancellation
    }

    /// A signal for the whole process group.
    enum GroupSignal: Equatable {
        /// SIGTERM.
        case terminate
        /// SIGKILL.
        case kill
    }

    /// What the driver does next.
    enum Action: Equatable {
        /// Send the signal to the child's process group, then call ``next(_:)`` again.
        case signalGroup(GroupSignal)
        /// Read output from the open pipes for at most this long (sleep if none is open), then
        /// call ``next(_:)`` again.
        case wait(Duration)
        /// Stop reading, close the pipes and reap the child, which has exited.
        case finish
    }

    /// What the driver knows right now.
    struct Observation: Equatable {
        var now: ContinuousClock.Instant
        /// Whether the child has exited (it may not be reaped yet).
        var childExited: Bool
        /// Whether either pipe is still open on our side.
        var pipesOpen: Bool
        /// Whether the calling task has been cancelled.
        var cancellationRequested: Bool
    }

    let configuration: Configuration
    private let deadline: ContinuousClock.Instant
    /// Why the group was signalled, if it was.
    private(set) var terminationReason: TerminationReason?
    /// Whether cancellation was requested before the child exited (the run then throws).
    private(set) var cancelledBeforeExit = false
    private var exitedAt: ContinuousClock.Instant?
    private var terminatedAt: ContinuousClock.Instant?
    private var killedAt: ContinuousClock.Instant?
    private var exitCheck: Duration

    /// Starts supervising a child spawned at `startedAt`.
    init(startedAt: ContinuousClock.Instant, configuration: Configuration) {
        self.configuration = configuration
        self.deadline = startedAt.advanced(by: configuration.timeout)
        self.exitCheck = configuration.initialExitCheck
    }

    /// Returns the next action for what the driver observed.
    mutating func next(_ observation: Observation) -> Action {
        let now = observation.now
        if observation.childExited, exitedAt == nil {
            exitedAt = now
        }
        if observation.cancellationRequested, exitedAt == nil {
            cancelledBeforeExit = true
        }

        // Start terminating a child that still runs.
        if terminationReason == nil, exitedAt == nil {
            if observation.cancellationRequested {
                terminationReason = .cancellation
            } else if now >= deadline {
                terminationReason = .timeout
            }
            if terminationReason != nil {
                terminatedAt = now
                return .signalGroup(.terminate)
            }
        }

        // Escalate, or sweep the group before the child is reaped.
        if let terminatedAt, killedAt == nil {
            let graceOver = now >= terminatedAt.advanced(by: configuration.killGrace)
            let nothingLeftToWaitFor = exitedAt != nil && !observation.pipesOpen
            if graceOver || nothingLeftToWaitFor {
                killedAt = now
                return .signalGroup(.kill)
            }
        }

        if let exitedAt {
            if !observation.pipesOpen {
                return .finish
            }
            if let terminatedAt, killedAt == nil {
                // Group members hold the pipes: they get the rest of the grace.
                return .wait(bounded(until: terminatedAt.advanced(by: configuration.killGrace), now: now))
            }
            let drainEnd = max(exitedAt, killedAt ?? exitedAt).advanced(by: configuration.drainWindow)
            if now >= drainEnd {
                return .finish
            }
            return .wait(bounded(until: drainEnd, now: now))
        }

        // The child runs: wait for output, its exit or the next deadline.
        var wait: Duration
        if let terminatedAt {
            wait =
                killedAt == nil
                ? bounded(until: terminatedAt.advanced(by: configuration.killGrace), now: now)
                : configuration.pollInterval
        } else {
            wait = bounded(until: deadline, now: now)
        }
        if !observation.pipesOpen {
            wait = min(wait, exitCheck)
            exitCheck = min(exitCheck * 2, configuration.pollInterval)
        }
        return .wait(wait)
    }

    /// The time left until `instant`, at most `pollInterval` and never negative.
    private func bounded(until instant: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Duration {
        max(.zero, min(configuration.pollInterval, now.duration(to: instant)))
    }
}
