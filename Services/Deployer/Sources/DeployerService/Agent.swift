import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import Foundation
import Logging
import Metrics
import Synchronization

/// The node agent's task handling: verifies a batch is for this node, runs its tasks in order
/// (journaled), streams output and publishes each result with a broker confirm. The caller acks
/// the batch only after `handle` returns.
package final class Agent: Sendable {
    let node: NodeName
    let team: TeamID?
    let trust: TrustStore
    let journal: TaskJournal
    let publisher: AMQPPublisher
    let verbs: [Verb: any VerbHandler]
    let environment: [String: String]
    let outputLimit: Int
    let store: NodeStore?
    let artifacts: ArtifactFetcher?
    let rebootCommand: String
    /// Task batches running at once; QUEUESENTINEL and QUERY deliveries do not wait for a slot.
    let slots: BatchSlots
    let logger: Logger
    /// Tasks running in this process (a redelivered batch must not start them twice).
    private let running = Mutex(Set<TaskID>())
    /// Tasks of batches received and waiting for a slot (reconciliation must not call them lost).
    private let queued = Mutex(Set<TaskID>())
    /// Batches being handled in this process, by nonce.
    private let inFlight = Mutex([String: Task<Void, any Error>]())

    package init(
        node: NodeName, team: TeamID?, trust: TrustStore, journal: TaskJournal, publisher: AMQPPublisher,
        verbs: [Verb: any VerbHandler], environment: [String: String], outputLimit: Int, store: NodeStore? = nil,
        artifacts: ArtifactFetcher? = nil, rebootCommand: String = "systemctl reboot || reboot", concurrency: Int = 8, logger: Logger
    ) {
        self.store = store
        self.artifacts = artifacts
        self.rebootCommand = rebootCommand
        self.slots = BatchSlots(count: concurrency)
        self.node = node
        self.team = team
        self.trust = trust
        self.journal = journal
        self.publisher = publisher
        self.verbs = verbs
        self.environment = environment
        self.outputLimit = outputLimit
        self.logger = logger
    }

    /// Reports what a previous run of the agent left behind: interrupted tasks as failed, and
    /// finished results that were never confirmed as published.
    package func recover() async throws {
        let results = try await journal.recover(node: node, now: Date())
        for result in results {
            try await publish(result)
        }
        if !results.isEmpty { logger.notice("reported tasks left by a previous run", metadata: ["tasks.count": "\(results.count)"]) }
    }

    /// Runs one batch. Within a batch, a failed task stops the rest (each reported as skipped).
    package func handle(_ batch: TaskBatch) async throws {
        guard batch.node == node else {
            logger.error("refusing a batch addressed to another node", metadata: ["job.id": "\(batch.jobID)", "batch.node": "\(batch.node)"])
            return
        }
        if batch.reportOnly == true {
            try await report(batch)
            return
        }
        if let query = batch.queryJSON { try await store?.mergeQuery(query) }
        // QUEUESENTINEL and bare QUERY deliveries never queue behind other batches. Decided here,
        // per batch and before any handler runs, from what the verb's handler declares.
        let control = batch.tasks.isEmpty || batch.tasks.contains { controlsQueue($0.verb) }
        if !control {
            let ids = batch.tasks.map(\.taskID)
            queued.withLock { $0.formUnion(ids) }
            await slots.acquire()
            queued.withLock { $0.subtract(ids) }
        }
        defer { if !control { slots.release() } }
        var earlierFailure: String?
        for task in batch.tasks {
            // One run per task in this process: the same task in a second batch (re-sent by the
            // Scheduler) waits for the first run and reports its result, keeping the order of steps.
            guard running.withLock({ $0.insert(task.taskID).inserted }) else {
                while running.withLock({ $0.contains(task.taskID) }) { try await Task.sleep(for: .milliseconds(20)) }
                if let result = try await journal.entry(task.taskID)?.result {
                    try await publish(result)
                    if result.status != .succeeded { earlierFailure = "task \(task.taskID) failed" }
                }
                continue
            }
            defer { running.withLock { _ = $0.remove(task.taskID) } }
            if let entry = try await journal.entry(task.taskID), entry.finished, let result = entry.result {
                // Finished before (we crashed before the ack, or the batch was redelivered): report again, do not re-run.
                try await publish(result)
                if result.status != .succeeded { earlierFailure = "task \(task.taskID) failed" }
                continue
            }
            let result: TaskResult
            if !controlsQueue(task.verb), let watermark = try await store?.dropBefore(), batch.issuedAt < watermark {
                let now = Date()
                result = TaskResult(
                    jobID: batch.jobID, taskID: task.taskID, node: node, status: .failed, exitCode: nil, stdout: "", stderr: "",
                    error: "dropped by QUEUESENTINEL before it started", startedAt: now, finishedAt: now
                )
                try await journal.markFinished(result)
                try await publish(result)
                continue
            } else if let earlierFailure {
                let now = Date()
                result = TaskResult(
                    jobID: batch.jobID, taskID: task.taskID, node: node, status: .failed, exitCode: nil, stdout: "", stderr: "",
                    error: "skipped: an earlier task in this batch failed (\(earlierFailure))", startedAt: now, finishedAt: now
                )
                try await journal.markFinished(result)
            } else {
                result = try await run(task, jobID: batch.jobID, batchIssuedAt: batch.issuedAt)
            }
            try await publish(result)
            if result.status != .succeeded, earlierFailure == nil { earlierFailure = "task \(task.taskID) \(result.status.rawValue)" }
        }
    }

    /// Reconciliation: the Scheduler has no result for these tasks. A finished one is reported again
    /// from the journal; a running or queued one is left alone (its result follows); one this node
    /// never received is reported failed (and journaled, so a late delivery does not run it).
    func report(_ batch: TaskBatch) async throws {
        var reported = 0
        for task in batch.tasks {
            if let entry = try await journal.entry(task.taskID) {
                if entry.finished, let result = entry.result {
                    try await publish(result)
                    reported += 1
                }
                continue
            }
            if running.withLock({ $0.contains(task.taskID) }) || queued.withLock({ $0.contains(task.taskID) }) { continue }
            let now = Date()
            let result = TaskResult(
                jobID: batch.jobID, taskID: task.taskID, node: node, status: .failed, exitCode: nil, stdout: "", stderr: "",
                error: "the node never received this task (reconciled after its timeout)", startedAt: now, finishedAt: now
            )
            try await journal.markFinished(result)
            try await publish(result)
            reported += 1
        }
        logger.notice("reconciliation: reported stored results", metadata: ["job.id": "\(batch.jobID)", "tasks.count": "\(reported)"])
    }

    /// Verifies a signed batch and runs it; refusals are audited (under the node's own routing-key
    /// prefix) and the batch is dropped.
    package func handle(_ signed: SignedTaskBatch, redelivered: Bool) async throws {
        let batch: TaskBatch
        do {
            batch = try MessageSigning.open(signed, trusted: trust.trustedKeys(), node: node, now: Date())
            if try await !journal.recordNonce(batch.nonce, at: Date()), !redelivered { throw MessageSigning.Refusal.replayed }
        } catch let refusal as MessageSigning.Refusal {
            try await refuse(reason: refusal.description)
            return
        }
        // The same batch may arrive again while this process still runs it: a broker restart
        // requeues the unacknowledged delivery, and the new connection delivers it at once. Running
        // both would start its remaining tasks twice; the redelivery waits for the first run instead
        // (and is acknowledged after it, since the first delivery's channel is gone).
        let (work, isFirst) = inFlight.withLock { running -> (Task<Void, any Error>, Bool) in
            if let existing = running[batch.nonce] { return (existing, false) }
            let task = Task { try await self.handle(batch) }
            running[batch.nonce] = task
            return (task, true)
        }
        if !isFirst { logger.notice("batch redelivered while still running here; waiting for the first run", metadata: ["job.id": "\(batch.jobID)"]) }
        defer { if isFirst { _ = inFlight.withLock { $0.removeValue(forKey: batch.nonce) } } }
        try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            if isFirst { work.cancel() }
        }
    }

    /// Audits a refused batch under the node's own routing-key prefix.
    package func refuse(reason: String) async throws {
        logger.error("refused a task batch", metadata: ["refusal": "\(reason)"])
        let event = AuditEvent(
            teamID: team, time: Date(), actor: "node:\(node)", action: "task_batch.refused", target: "node:\(node)", outcome: .refused,
            requestID: nil, details: ["reason": reason]
        )
        try await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.nodeAudit(node))])
    }

    func run(_ task: TaskSpec, jobID: JobID, batchIssuedAt: Date = Date()) async throws -> TaskResult {
        let started = Date()
        try await journal.markStarted(jobID: jobID, task: task, at: started)
        let runningProcesses = Meter(label: MetricName.deployerRunningProcesses)
        runningProcesses.increment()
        defer { runningProcesses.decrement() }
        let clock = ContinuousClock.now
        let outcome: VerbOutcome
        if let handler = verbs[task.verb] {
            let (chunks, sink) = AsyncStream<OutputChunk>.makeStream()
            let sequence = Atomic<Int>(0)
            let node = self.node
            let context = VerbContext(
                emit: { channel, text in
                    let n = sequence.add(1, ordering: .relaxed).newValue
                    sink.yield(OutputChunk(jobID: jobID, taskID: task.taskID, node: node, channel: channel, sequence: n, text: text))
                },
                environment: environment, outputLimit: outputLimit, taskID: task.taskID, artifacts: artifacts, rebootCommand: rebootCommand,
                batchIssuedAt: batchIssuedAt
            )
            let streamer = Task { [publisher] in
                for await chunk in chunks {
                    guard let message = try? OutgoingMessage(chunk, exchange: Topology.events, routingKey: Topology.RoutingKey.output(chunk.node)) else {
                        continue
                    }
                    try? await publisher.publishUnconfirmed(message)
                }
            }
            do {
                var task = task
                if let sealed = task.sealedEnvironment {
                    // Secrets sealed to this node's key: opened here only, never logged.
                    let bytes = try trust.open(sealed: Array(Data(base64Encoded: sealed) ?? Data()))
                    for (k, v) in try WireCoding.decode([String: String].self, from: bytes) { task.environment[k] = v }
                }
                outcome = try await handler.execute(task, context: context)
            } catch is CancellationError {
                sink.finish()
                throw CancellationError()
            } catch {
                outcome = VerbOutcome(status: .failed, error: "\(error)")
            }
            sink.finish()
            await streamer.value
        } else {
            outcome = VerbOutcome(status: .failed, error: "verb \(task.verb.rawValue) is not supported by this agent (version \(CoxswainVersion.current))")
        }
        var result = TaskResult(
            jobID: jobID, taskID: task.taskID, node: node, status: outcome.status, exitCode: outcome.exitCode,
            stdout: outcome.stdout, stderr: outcome.stderr, error: outcome.error, startedAt: started, finishedAt: Date()
        )
        result.fingerprint = outcome.fingerprint
        result.cached = outcome.cached ? true : nil
        result.queryValue = outcome.queryValue
        result.rotatedSigningKey = outcome.rotatedSigningKey
        result.rotatedSealingKey = outcome.rotatedSealingKey
        try await journal.markFinished(result)
        Metrics.Timer(label: MetricName.deployerTaskSeconds, dimensions: [("verb", task.verb.rawValue), ("outcome", result.status.rawValue)])
            .record(duration: ContinuousClock.now - clock)
        logger.info(
            "task finished",
            metadata: [
                "job.id": "\(jobID)", "task.id": "\(task.taskID)", "task.verb": "\(task.verb.rawValue)", "task.status": "\(result.status.rawValue)",
            ])
        return result
    }

    /// Whether the verb's handler acts on the queue of batches (QUEUESENTINEL) rather than waiting in it.
    func controlsQueue(_ verb: Verb) -> Bool { verbs[verb]?.controlsQueue ?? false }

    func publish(_ result: TaskResult) async throws {
        try await publisher.publish([
            try OutgoingMessage(
                try MessageSigning.sign(result, with: trust.signingKey), exchange: Topology.events, routingKey: Topology.RoutingKey.result(node),
                correlationID: "\(result.jobID)"
            )
        ])
        try await journal.markReported(result.taskID)
        // REKEY: its result went out signed with the old key (the only one the control plane
        // knows); from now on the node signs with the new one.
        if result.rotatedSigningKey != nil, let next = trust.activateStagedKeys() {
            logger.notice("node keys rotated", metadata: ["node.signing_key": "\(next.publicKey.base64)"])
        }
    }

    /// Applies a control-plane key hand-over (audited either way).
    package func handle(_ handover: KeyHandover) async throws {
        do {
            try trust.apply(handover)
            logger.notice("control-plane key hand-over accepted", metadata: ["key.new": "\(handover.newKey)"])
            let event = AuditEvent(
                teamID: team, time: Date(), actor: "node:\(node)", action: "keys.handover", target: "node:\(node)", outcome: .success,
                requestID: nil, details: ["new_key": handover.newKey]
            )
            try await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.nodeAudit(node))])
        } catch let refusal as TrustStore.MessageRefusal {
            try await refuse(reason: refusal.description)
        }
    }
}

/// A counting semaphore for task batches (FIFO).
final class BatchSlots: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s -> Bool in
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
