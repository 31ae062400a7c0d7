import CoxswainCore
import Foundation

/// `QUEUESENTINEL`: every task issued before this batch and not started yet is dropped as it
/// comes up (the watermark lives in the node store and survives restarts). Not a pipeline verb:
/// it has no options or templates and must never be answered from the job cache.
///
/// It acts on the queue itself, so the agent's batch loop asks `controlsQueue` before any handler
/// runs: its batch takes no batch slot (it must overtake the batches it drops) and the watermark
/// never drops it.
struct QueueSentinelVerb: VerbHandler {
    let verbs: [Verb] = [.queueSentinel]
    let store: NodeStore

    var controlsQueue: Bool { true }

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        try await store.setDropBefore(context.batchIssuedAt)
        return VerbOutcome(
            status: .succeeded, exitCode: 0, stdout: "tasks issued before \(WireCoding.formatDate(context.batchIssuedAt)) and not started are dropped\n")
    }
}
