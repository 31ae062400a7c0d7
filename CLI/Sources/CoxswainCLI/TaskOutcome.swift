import CoxswainCore

/// What one task's row means to the operator. The API keeps `succeeded` for a task the node
/// skipped because its job cache says it succeeded there before, and `failed` for a step the
/// Scheduler never sent because an earlier step failed; the CLI shows them as what they are.
package enum TaskOutcome: String, Codable, Sendable, CaseIterable {
    /// It ran and succeeded.
    case succeeded
    /// Nothing ran: the node's job cache says it succeeded there before.
    case cached
    /// It ran (or could not be run) and failed.
    case failed
    /// Killed at its timeout, or no result in time.
    case timedOut = "timed_out"
    /// Never ran: an earlier step failed on the node, or `--fail-fast` stopped the batch.
    case skipped
    /// Not finished yet.
    case pending

    /// The prefix of the error the Scheduler records for a task it skipped.
    package static let skippedPrefix = "skipped:"

    /// The outcome of a task as the API reports it.
    package init(_ task: TaskDetail) {
        self.init(status: task.status, cached: task.cached == true, error: task.error)
    }

    /// The outcome of a task from its recorded status, cache flag and error text.
    package init(status: TaskStatus, cached: Bool, error: String?) {
        switch status {
        case .pending: self = .pending
        case .succeeded: self = cached ? .cached : .succeeded
        case .timedOut: self = .timedOut
        case .failed: self = (error ?? "").hasPrefix(Self.skippedPrefix) ? .skipped : .failed
        }
    }

    /// Whether it counts as a failure (`--check`, the failed count).
    package var isFailure: Bool { self == .failed || self == .timedOut }

    /// The outcome of a node from its steps' outcomes, in order: failed if a step failed,
    /// pending while one is pending, skipped if none ran, cached if every one was cached.
    package static func ofNode(_ steps: [TaskOutcome]) -> TaskOutcome {
        if steps.contains(where: \.isFailure) { return .failed }
        if steps.contains(.pending) { return .pending }
        if !steps.isEmpty, steps.allSatisfy({ $0 == .skipped }) { return .skipped }
        if !steps.isEmpty, steps.allSatisfy({ $0 == .cached }) { return .cached }
        return .succeeded
    }
}

/// Counts of outcomes, in the order the CLI prints them: succeeded, failed, cached, skipped
/// (and pending while the job runs).
package struct OutcomeTally: Codable, Sendable, Equatable {
    /// Ran and succeeded.
    package var succeeded = 0
    /// Failed or timed out.
    package var failed = 0
    /// Skipped by the job cache.
    package var cached = 0
    /// Never ran because of an earlier failure.
    package var skipped = 0
    /// Not finished.
    package var pending = 0

    /// Every counted outcome.
    package var total: Int { succeeded + failed + cached + skipped + pending }

    /// Counts `outcomes`.
    package init(_ outcomes: [TaskOutcome] = []) {
        for o in outcomes { add(o) }
    }

    /// Counts one more outcome.
    package mutating func add(_ outcome: TaskOutcome) {
        switch outcome {
        case .succeeded: succeeded += 1
        case .cached: cached += 1
        case .failed, .timedOut: failed += 1
        case .skipped: skipped += 1
        case .pending: pending += 1
        }
    }

    /// `3 succeeded, 1 failed, 2 cached, 0 skipped` (`, 4 pending` only while some are).
    package var text: String {
        "\(succeeded) succeeded, \(failed) failed, \(cached) cached, \(skipped) skipped" + (pending > 0 ? ", \(pending) pending" : "")
    }
}

/// A job's result counted truthfully: nodes as nodes and, for a block of several steps, steps
/// as steps (a node's steps are its tasks in step order).
package struct JobTally: Codable, Sendable, Equatable {
    /// One outcome per node (`TaskOutcome.ofNode`).
    package var nodes: OutcomeTally
    /// One outcome per task (node × step).
    package var steps: OutcomeTally
    /// Steps per node (1 for `exec`).
    package var stepsPerNode: Int

    /// Counts the tasks of `detail`.
    package init(_ detail: JobDetail) {
        var perNode: [String: [TaskOutcome]] = [:]
        var order: [String] = []
        var steps = OutcomeTally()
        var maxStep = 0
        for t in detail.tasks {
            let outcome = TaskOutcome(t)
            if perNode[t.node] == nil { order.append(t.node) }
            perNode[t.node, default: []].append(outcome)
            steps.add(outcome)
            maxStep = max(maxStep, (t.step ?? 0) + 1)
        }
        self.nodes = OutcomeTally(order.map { TaskOutcome.ofNode(perNode[$0] ?? []) })
        self.steps = steps
        self.stepsPerNode = max(maxStep, order.isEmpty ? 0 : detail.tasks.count / order.count)
    }

    /// The summary after the job id and status: nodes, and steps when there are several.
    package var text: String {
        let nodePart = "\(nodes.text) of \(nodes.total) node(s)"
        guard stepsPerNode > 1 else { return nodePart }
        return nodePart + "; steps: \(steps.text) of \(steps.total) (\(stepsPerNode) per node)"
    }
}
