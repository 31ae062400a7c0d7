import CoxswainCore
import Foundation

/// How far a watched job has come, from its tasks and the `task_finished` events that follow:
/// done/total, failed, and the nodes it still waits for, longest first. Pure: the watcher feeds
/// it and prints `line(elapsed:)`.
package struct JobProgress: Sendable, Equatable {
    /// One node's tasks not finished yet, and since when it has been waiting on them.
    struct Waiting: Sendable, Equatable {
        var remaining: Int
        var since: Date?
    }

    /// Tasks of the job (nodes × steps); 0 until it is planned.
    package private(set) var total = 0
    /// Tasks finished, whatever their outcome.
    package private(set) var done = 0
    /// Tasks that failed or timed out (not skipped ones).
    package private(set) var failed = 0
    var waiting: [String: Waiting] = [:]

    package init() {}

    /// Starts over from the job as the Gateway reports it now.
    package mutating func reset(_ detail: JobDetail) {
        total = detail.tasks.count
        done = 0
        failed = 0
        waiting = [:]
        for t in detail.tasks {
            let outcome = TaskOutcome(t)
            if outcome == .pending {
                var w = waiting[t.node] ?? Waiting(remaining: 0, since: t.dispatchedAt ?? t.createdAt)
                w.remaining += 1
                waiting[t.node] = w
            } else {
                done += 1
                if outcome.isFailure { failed += 1 }
            }
        }
    }

    /// Starts over from a bootstrap run: its hosts are the units (one each), finished or waited on
    /// since they started (or since the run was submitted).
    package mutating func reset(_ detail: BootstrapRunDetail) {
        total = detail.hosts.count
        done = 0
        failed = 0
        waiting = [:]
        for h in detail.hosts {
            if h.status.isFinal {
                done += 1
                if h.status != .succeeded { failed += 1 }
            } else {
                waiting[h.name] = Waiting(remaining: 1, since: h.startedAt ?? detail.run.createdAt)
            }
        }
    }

    /// A bootstrap host started (it is waited on from now).
    package mutating func started(node: String, at time: Date) {
        guard var w = waiting[node] else { return }
        w.since = time
        waiting[node] = w
    }

    /// A task of `node` finished with `status` (an event; a node's steps finish in order).
    package mutating func finished(node: String, status: TaskStatus, at time: Date) {
        guard var w = waiting[node], w.remaining > 0 else { return }
        done += 1
        if status != .succeeded, status != .pending { failed += 1 }
        w.remaining -= 1
        w.since = time
        waiting[node] = w.remaining == 0 ? nil : w
    }

    /// The nodes still running, those waited on longest first (at most `limit`).
    package func slowest(_ limit: Int = 3) -> [String] {
        waiting.sorted { a, b in
            let (sa, sb) = (a.value.since ?? .distantPast, b.value.since ?? .distantPast)
            return sa == sb ? a.key < b.key : sa < sb
        }.prefix(limit).map(\.key)
    }

    /// `12/40 done, 1 failed, 8s elapsed; waiting on web-3, web-7 +28`.
    package func line(elapsed: Double) -> String {
        var text = total == 0 ? "not planned yet" : "\(done)/\(total) done"
        text += ", \(failed) failed, \(Int(elapsed.rounded(.down)))s elapsed"
        let slow = slowest()
        if !slow.isEmpty {
            text += "; waiting on " + slow.joined(separator: ", ")
            if waiting.count > slow.count { text += " +\(waiting.count - slow.count)" }
        }
        return text
    }
}
