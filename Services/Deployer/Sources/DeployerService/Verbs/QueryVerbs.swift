import CoxswainCore
import CoxswainOrchestration
import Foundation

/// The verbs that wait for other nodes, coordinated by the Scheduler: `QUERY KEY` (returns the
/// arg's value, which the Scheduler merges into every target's `query` arg), `QUERY_WAIT ITEM`
/// (polls the query cache until the item is there, for every listed identity) and `JOB_WAIT`
/// (sent only once the job finished on every identity, so it just reports).
struct QueryVerbs: DirectordVerb {
    static let verbs: [Verb] = [.query, .queryWait, .jobWait]
    let store: NodeStore

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        switch call {
        case .query(let key, _):
            let value = try await store.args()[key] ?? .null
            let json = String(decoding: try JSONEncoder.sortedKeys.encode(value), as: UTF8.self)
            var outcome = VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) = \(json)\n")
            outcome.queryValue = json
            return outcome
        case .queryWait(let item, let timeout, let identities):
            let deadline = ContinuousClock.now + .clampedSeconds(timeout)
            while true {
                if case .map(let query) = try await store.args()["query"] ?? .null {
                    let holders = query.filter { _, values in
                        if case .map(let m) = values, let v = m[item], v != .null { return true }
                        return false
                    }.keys
                    let done = identities.isEmpty ? !holders.isEmpty : Set(identities).isSubset(of: Set(holders))
                    if done { return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(item) present for \(holders.sorted().joined(separator: ", "))\n") }
                }
                guard ContinuousClock.now < deadline else {
                    return VerbOutcome(
                        status: .failed,
                        error:
                            "QUERY_WAIT \(item): not in the query cache\(identities.isEmpty ? "" : " of " + identities.joined(separator: ", ")) within \(Duration.clampedSeconds(timeout)) "
                    )
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        case .jobWait(let sha, let identities, _):
            // The Scheduler sends JOB_WAIT only once the job finished on every identity.
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "job \(sha) finished on \(identities.joined(separator: ", "))\n")
        default:
            return .unsupported(task.verb)
        }
    }
}
