import CoxswainCore

/// Decides which nodes run a submitted job. Pure: no I/O, unit-tested.
///
/// - No targets: every online node (none online: the job is rejected).
/// - Named targets: every name must be a known node, else the whole job is rejected and nothing
///   runs; a known but offline node gets a task that fails at once ("node is offline") rather
///   than one that waits for its timeout.
package struct JobPlanner: Sendable {
    /// What the planner knows of a node.
    package struct Candidate: Sendable, Equatable {
        package var name: NodeName
        package var online: Bool
        package init(name: NodeName, online: Bool) {
            self.name = name
            self.online = online
        }
    }

    package init() {}

    /// An orchestration block: every step on every planned node (or on its `assign:` nodes), in
    /// step order per node; a node that cannot run fails each of its steps at once.
    package func expand(steps: [JobStep], onto planned: [PlannedTask], nodes: [Candidate], makeTaskID: () -> TaskID = { TaskID() }) -> PlanDecision {
        let byName = Dictionary(nodes.map { ($0.name.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [PlannedTask] = []
        for (seq, step) in steps.enumerated() {
            var targets: [PlannedTask] = planned
            if let assign = step.assign, !assign.isEmpty {
                let unknown = assign.filter { byName[$0] == nil }
                guard unknown.isEmpty else { return .reject("step \(seq + 1) is assigned to unknown node(s): \(unknown.joined(separator: ", "))") }
                targets = assign.compactMap { byName[$0] }.map { n in
                    n.online
                        ? PlannedTask(taskID: TaskID(), node: n.name, status: .pending)
                        : PlannedTask(taskID: TaskID(), node: n.name, status: .failed, error: "node \(n.name) is offline")
                }
            }
            if step.runOnce == true, let first = targets.first(where: { $0.status == .pending }) ?? targets.first { targets = [first] }
            for t in targets {
                var task = PlannedTask(taskID: makeTaskID(), node: t.node, status: t.status, error: t.error)
                task.seq = seq
                task.step = step
                out.append(task)
            }
        }
        return out.isEmpty ? .reject("the block has no step to run") : .dispatch(out)
    }

    package func plan(targets: [String], nodes: [Candidate], makeTaskID: () -> TaskID = { TaskID() }) -> PlanDecision {
        if targets.isEmpty {
            let online = nodes.filter(\.online).map(\.name).sorted()
            guard !online.isEmpty else { return .reject("no online nodes to run on") }
            return .dispatch(online.map { PlannedTask(taskID: makeTaskID(), node: $0, status: .pending) })
        }
        var seen = Set<String>()
        let wanted = targets.filter { seen.insert($0).inserted }
        let byName = Dictionary(nodes.map { ($0.name.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let unknown = wanted.filter { byName[$0] == nil }
        guard unknown.isEmpty else {
            return .reject("unknown target\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", "))")
        }
        return .dispatch(
            wanted.compactMap { byName[$0] }.map { node in
                node.online
                    ? PlannedTask(taskID: makeTaskID(), node: node.name, status: .pending)
                    : PlannedTask(taskID: makeTaskID(), node: node.name, status: .failed, error: "node \(node.name) is offline")
            }
        )
    }
}
