import CoxswainCore
import CoxswainOrchestration
import Foundation

/// Which steps of an orchestration block wait for the Scheduler, and for what. A step that waits
/// is not sent with the node's first batch; the Scheduler sends it (with everything after it up
/// to the next gate) when its gate opens:
/// - after `QUERY KEY` (unless `--no-wait`): every node's QUERY finished, so the node gets
///   `query` = `{node: {KEY: value}}` before its next step renders;
/// - at `JOB_WAIT SHA --identity N…`: the job with that fingerprint finished on every N;
/// - after `REBOOT`: the node's agent came back (a heartbeat from an agent started later).
///
/// Pure: built from the steps, evaluated on a snapshot of the job's tasks.
package struct StepGates: Sendable, Equatable {
    /// Why a gate point waits.
    package enum Condition: Sendable, Equatable {
        /// Every task of the QUERY step at `seq` finished (on every node).
        case query(seq: Int)
        /// The job with this fingerprint (prefix) finished on every identity; fail after `timeout` s.
        case jobWait(sha: String, identities: [String], timeout: Double)
        /// The node's REBOOT at `seq` succeeded and its agent has started since.
        case reboot(seq: Int)
    }

    /// For each step, the gate point that holds it (`nil`: sent at once).
    package let gateOf: [Int?]
    /// Each gate point's conditions (all must hold).
    package let conditions: [Int: [Condition]]
    /// QUERY steps (waiting or not) and their KEY: their results are sent to every node.
    package let queries: [Int: String]

    package init(steps: [JobStep]) {
        var conditions: [Int: [Condition]] = [:]
        var queries: [Int: String] = [:]
        for (seq, step) in steps.enumerated() {
            let vars = step.varsJSON.flatMap { try? JSONDecoder().decode([String: YAMLValue].self, from: Data($0.utf8)) } ?? [:]
            guard let (call, _) = try? VerbParser.parse(verb: step.verb, arguments: step.arguments, vars: vars, at: SourceLocation(file: "job", block: 1))
            else { continue }
            switch call {
            case .query(let key, let noWait):
                queries[seq] = key
                if !noWait, seq + 1 < steps.count { conditions[seq + 1, default: []].append(.query(seq: seq)) }
            case .jobWait(let sha, let identities, let timeout):
                conditions[seq, default: []].append(.jobWait(sha: sha, identities: identities, timeout: timeout))
            case .reboot:
                if seq + 1 < steps.count { conditions[seq + 1, default: []].append(.reboot(seq: seq)) }
            default:
                break
            }
        }
        var gateOf: [Int?] = []
        var current: Int?
        for seq in steps.indices {
            if conditions[seq] != nil { current = seq }
            gateOf.append(current)
        }
        self.gateOf = gateOf
        self.conditions = conditions
        self.queries = queries
    }

    /// One task as the gate evaluation sees it.
    package struct TaskState: Sendable, Equatable {
        package var id: TaskID
        package var node: String
        package var seq: Int
        package var status: TaskStatus
        /// The gate point still holding it (`nil`: released or never held).
        package var gate: Int?
        package var finishedAt: Date?
        package var queryValue: String?

        package init(id: TaskID, node: String, seq: Int, status: TaskStatus, gate: Int?, finishedAt: Date? = nil, queryValue: String? = nil) {
            self.id = id
            self.node = node
            self.seq = seq
            self.status = status
            self.gate = gate
            self.finishedAt = finishedAt
            self.queryValue = queryValue
        }
    }

    /// What the world outside the job says about its gates.
    package struct Facts: Sendable {
        /// When the job was dispatched (JOB_WAIT timeouts count from here).
        package var dispatchedAt: Date
        package var now: Date
        /// QUERY steps whose results were already sent.
        package var deliveredQueries: Set<Int>
        /// Per JOB_WAIT gate point: whether its job finished on every identity.
        package var jobWaitSatisfied: [Int: Bool]
        /// When each node's agent last started.
        package var agentStartedAt: [String: Date]
        /// Nodes rebooting now (their work waits, gate -1).
        package var rebooting: Set<String>

        package init(
            dispatchedAt: Date, now: Date, deliveredQueries: Set<Int> = [], jobWaitSatisfied: [Int: Bool] = [:], agentStartedAt: [String: Date] = [:],
            rebooting: Set<String> = []
        ) {
            self.rebooting = rebooting
            self.dispatchedAt = dispatchedAt
            self.now = now
            self.deliveredQueries = deliveredQueries
            self.jobWaitSatisfied = jobWaitSatisfied
            self.agentStartedAt = agentStartedAt
        }
    }

    /// What to do now.
    package struct Decision: Sendable, Equatable {
        /// Tasks to ungate and send, per node, in step order.
        package var release: [String: [TaskID]] = [:]
        /// Tasks that will never run, with the reason (recorded as failed).
        package var fail: [TaskID: String] = [:]
        /// QUERY results to send now: seq → JSON `{node: {KEY: value}}`.
        package var deliver: [Int: String] = [:]

        package init() {}
    }

    /// Decides which gates open, which gated tasks can never run, and which QUERY results to send.
    package func evaluate(_ tasks: [TaskState], facts: Facts) -> Decision {
        var decision = Decision()
        for (seq, key) in queries.sorted(by: { $0.key < $1.key }) where !facts.deliveredQueries.contains(seq) {
            let at = tasks.filter { $0.seq == seq }
            guard !at.isEmpty, at.allSatisfy({ $0.status != .pending }) else { continue }
            var data: [String: [String: YAMLValue]] = [:]
            for t in at where t.status == .succeeded {
                let value = t.queryValue.flatMap { try? JSONDecoder().decode(YAMLValue.self, from: Data($0.utf8)) } ?? .null
                data[t.node] = [key: value]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            decision.deliver[seq] = String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self)
        }
        let byNode = Dictionary(grouping: tasks, by: \.node)
        for (node, own) in byNode.sorted(by: { $0.key < $1.key }) {
            let gated = own.filter { $0.status == .pending && $0.gate != nil }
            guard let gate = gated.compactMap(\.gate).min() else { continue }
            let earlier = own.filter { $0.seq < gate }
            if let failed = earlier.first(where: { $0.status != .pending && $0.status != .succeeded }) {
                for t in gated { decision.fail[t.id] = "skipped: an earlier task on this node \(failed.status.rawValue) (step \(failed.seq + 1))" }
                continue
            }
            guard earlier.allSatisfy({ $0.status == .succeeded }) else { continue }
            var open = gate >= 0 || !facts.rebooting.contains(node)
            var timedOut: String?
            for condition in conditions[gate] ?? [] {
                switch condition {
                case .query(let seq):
                    let at = tasks.filter { $0.seq == seq }
                    if at.contains(where: { $0.status == .pending }) { open = false }
                case .jobWait(let sha, let identities, let timeout):
                    if facts.jobWaitSatisfied[gate] != true {
                        open = false
                        // The timeout counts from when the node reached the step.
                        let reached = earlier.compactMap(\.finishedAt).max() ?? facts.dispatchedAt
                        if facts.now.timeIntervalSince(reached) > timeout {
                            timedOut = "JOB_WAIT \(sha): the job did not finish on \(identities.joined(separator: ", ")) within \(Int(timeout)) s"
                        }
                    }
                case .reboot(let seq):
                    // A node that did not run the REBOOT (assign, --run-once) has nothing to wait for.
                    guard let rebooted = own.first(where: { $0.seq == seq }) else { continue }
                    guard let finished = rebooted.finishedAt, let started = facts.agentStartedAt[node], started > finished else {
                        open = false
                        continue
                    }
                }
            }
            if let timedOut {
                let first = gated.min { $0.seq < $1.seq }!
                for t in gated { decision.fail[t.id] = t.id == first.id ? timedOut : "skipped: an earlier task on this node failed (\(timedOut))" }
                continue
            }
            guard open else { continue }
            decision.release[node] = gated.filter { $0.gate == gate }.sorted { $0.seq < $1.seq }.map(\.id)
        }
        return decision
    }
}
