import CoxswainCore
import Foundation

/// Timings of one or more jobs (`manage --analyze-job` / `--analyze-all`): actual runtime
/// (submission to completion), per-node execution time and round trip (dispatch to result
/// recorded), combined, fastest and slowest node, and totals.
struct JobAnalysis: Codable, Sendable {
    struct Node: Codable, Sendable {
        var node: String
        var executionSeconds: Double
        var roundTripSeconds: Double
    }

    var jobs: Int
    var tasks: Int
    var actualRuntimeSeconds: Double
    var combinedExecutionSeconds: Double
    var combinedRoundTripSeconds: Double
    var fastestNode: Node?
    var slowestNode: Node?
    var nodes: [Node]

    init(details: [JobDetail]) {
        var perNode: [String: Node] = [:]
        var runtime = 0.0
        var tasks = 0
        for d in details {
            if let finished = d.job.finishedAt { runtime += finished.timeIntervalSince(d.job.createdAt) }
            for t in d.tasks {
                tasks += 1
                let exec = Render.zip2(t.startedAt, t.finishedAt).map { $1.timeIntervalSince($0) } ?? 0
                let trip = Render.zip2(t.dispatchedAt, t.resultReceivedAt).map { $1.timeIntervalSince($0) } ?? 0
                var n = perNode[t.node] ?? Node(node: t.node, executionSeconds: 0, roundTripSeconds: 0)
                n.executionSeconds += exec
                n.roundTripSeconds += trip
                perNode[t.node] = n
            }
        }
        nodes = perNode.values.sorted { $0.node < $1.node }
        jobs = details.count
        self.tasks = tasks
        actualRuntimeSeconds = runtime
        combinedExecutionSeconds = nodes.reduce(0) { $0 + $1.executionSeconds }
        combinedRoundTripSeconds = nodes.reduce(0) { $0 + $1.roundTripSeconds }
        fastestNode = nodes.min { $0.roundTripSeconds < $1.roundTripSeconds }
        slowestNode = nodes.max { $0.roundTripSeconds < $1.roundTripSeconds }
    }

    var text: String {
        var lines = [
            "jobs: \(jobs), tasks: \(tasks)",
            "actual runtime: \(Render.seconds(actualRuntimeSeconds))",
            "combined execution: \(Render.seconds(combinedExecutionSeconds)), combined round trip: \(Render.seconds(combinedRoundTripSeconds))",
        ]
        if let f = fastestNode { lines.append("fastest node: \(f.node) (round trip \(Render.seconds(f.roundTripSeconds)))") }
        if let s = slowestNode { lines.append("slowest node: \(s.node) (round trip \(Render.seconds(s.roundTripSeconds)))") }
        lines.append(
            Render.table(
                ["NODE", "EXECUTION", "ROUND TRIP"], nodes.map { [$0.node, Render.seconds($0.executionSeconds), Render.seconds($0.roundTripSeconds)] }))
        return lines.joined(separator: "\n")
    }

}
