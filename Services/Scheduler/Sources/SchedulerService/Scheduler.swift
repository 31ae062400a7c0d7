import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainOrchestration
import CoxswainStore
import Foundation
import Logging
import Metrics
import Synchronization

/// The Scheduler's handlers: planning submissions, dispatching one batch per node, ingesting
/// results and heartbeats in batches, and the periodic sweep. Transport-free: it is handed decoded
/// messages and returns after its Postgres commit, so the caller acks then.
package struct Scheduler: Sendable {
    let repository: SchedulerRepository
    /// Deployments, settled when their try's job ends.
    let delivery: DeliveryRepository
    let nodes: NodeRepository
    let keys: ControlKeyRepository
    let masterKey: SecretBox
    let publisher: AMQPPublisher
    let configuration: SchedulerConfiguration
    let planner = JobPlanner()
    /// Retention runs at most once a minute (or every sweep when the retention is under a minute).
    let retentionGate = RateGate()
    // Made once, not looked up in the metrics registry at every batch.
    let tasksDispatched = Counter(label: MetricName.tasksDispatched)
    let resultsIngested = Counter(label: MetricName.resultsIngested)
    let resultBatchSize = Recorder(label: MetricName.resultBatchSize)
    let logger: Logger

    package init(
        repository: SchedulerRepository, delivery: DeliveryRepository, nodes: NodeRepository, keys: ControlKeyRepository, masterKey: SecretBox,
        publisher: AMQPPublisher, configuration: SchedulerConfiguration, logger: Logger
    ) {
        self.repository = repository
        self.delivery = delivery
        self.nodes = nodes
        self.keys = keys
        self.masterKey = masterKey
        self.publisher = publisher
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Submissions

    /// Plans and dispatches one submitted job. Idempotent: a job already planned is skipped.
    package func plan(_ jobID: JobID) async throws {
        guard let job = try await repository.submittedJob(jobID) else { return }
        guard try await verifiedSeals([jobID])[jobID] != nil else { return }
        // Blocks in order: a job waiting for another is planned when that one has finished.
        if let after = job.after, try await !repository.isFinished(after) { return }
        let candidates = try await nodes.list(team: job.team).compactMap { info -> JobPlanner.Candidate? in
            guard let name = try? NodeName(validating: info.name) else { return nil }
            // A rebooting node takes work: it is held (gate -1) until the node is back.
            return JobPlanner.Candidate(name: name, online: info.status == .online || info.status == .rebooting)
        }
        var decision = planner.plan(targets: job.targets, nodes: candidates)
        if let steps = job.steps, !steps.isEmpty, case .dispatch(let tasks) = decision {
            decision = planner.expand(steps: steps, onto: tasks, nodes: candidates)
        }
        // Batch mode: only the first window of nodes is dispatched now; the rest are held.
        var held = Set<NodeName>()
        if let batch = job.batch, case .dispatch(let tasks) = decision {
            let runnable = Array(Set(tasks.filter { $0.status == .pending }.map(\.node))).sorted()
            let window = SubmitJobRequest.batchWindow(batch, nodes: Set(tasks.map(\.node)).count) ?? runnable.count
            held = Set(runnable.dropFirst(window))
        }
        // Gates (QUERY, JOB_WAIT, REBOOT), fingerprints for JOB_WAIT, and the work of rebooting nodes held.
        if case .dispatch(var tasks) = decision {
            let gates = StepGates(steps: job.steps ?? [])
            let rebooting = try await repository.rebootingNodes(team: job.team)
            for i in tasks.indices {
                if let step = tasks[i].step {
                    tasks[i].stepFingerprint = JobFingerprint.of(step)
                    if tasks[i].seq < gates.gateOf.count { tasks[i].gate = gates.gateOf[tasks[i].seq] }
                } else {
                    tasks[i].stepFingerprint = JobFingerprint.of(verb: job.verb.rawValue, arguments: job.arguments, varsJSON: nil)
                }
                if tasks[i].status == .pending, tasks[i].gate == nil, rebooting.contains(tasks[i].node.rawValue) { tasks[i].gate = -1 }
            }
            decision = .dispatch(tasks)
            if (job.steps ?? []).contains(where: { Verb(parsing: $0.verb) == .queueSentinel }) {
                let nodes = Array(Set(tasks.filter { $0.step.map { Verb(parsing: $0.verb) == .queueSentinel } ?? false }.map(\.node.rawValue)))
                let (dropped, finished) = try await repository.dropQueued(team: job.team, nodes: nodes, sentinel: job.id)
                if !dropped.isEmpty {
                    logger.notice("QUEUESENTINEL dropped queued tasks", metadata: ["job.id": "\(job.id)", "tasks.count": "\(dropped.count)"])
                }
                try await publishOutcomes(tasks: dropped, jobs: finished)
            }
        }
        let (planned, completed) = try await repository.commitPlan(job: job, decision: decision, heldNodes: held)
        guard planned else { return }
        var events: [OutgoingMessage] = []
        if case .dispatch(let tasks) = decision {
            let pending = tasks.filter { $0.status == .pending && !held.contains($0.node) && $0.gate == nil }
            try await repository.dispatching(pending.map(\.taskID)) {
                try await dispatch(
                    pending.map {
                        var task = DispatchableTask(
                            jobID: job.id, taskID: $0.taskID, node: $0.node, verb: $0.step.flatMap { Verb(parsing: $0.verb) } ?? job.verb,
                            arguments: $0.step?.arguments ?? job.arguments, timeoutSeconds: job.timeoutSeconds, varsJSON: $0.step?.varsJSON
                        )
                        task.artifacts = $0.step?.artifacts
                        return task
                    }
                )
            }
            var event = JobEvent(kind: .dispatched, jobID: job.id, time: Date(), jobStatus: completed?.status ?? .dispatched)
            event.teamID = job.team
            event.nodes = Array(Set(tasks.map(\.node))).sorted()
            events.append(try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.dispatched)))
            for failed in tasks where failed.status != .pending {
                var e = JobEvent(kind: .taskFinished, jobID: job.id, time: Date(), jobStatus: completed?.status ?? .dispatched)
                e.teamID = job.team
                e.node = failed.node
                e.taskStatus = failed.status
                e.error = failed.error
                events.append(try OutgoingMessage(e, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.taskFinished)))
            }
            logger.info("job dispatched", metadata: ["job.id": "\(job.id)", "job.nodes": "\(pending.count)"])
        }
        if let completed {
            events.append(try completionEvent(completed))
            logger.info("job completed at planning", metadata: ["job.id": "\(job.id)", "job.error": "\(completed.error ?? "")"])
        }
        try await publisher.publish(events)
        if completed != nil {
            try await planDependents(of: [job.id])
            try await settleDeployments()
        }
    }

    /// The seals of these jobs that verify under the master key. A job whose seal does not (a row
    /// written or changed in the database by someone without the key) is failed, audited as refused,
    /// and never planned or dispatched.
    func verifiedSeals(_ jobIDs: [JobID]) async throws -> [JobID: JobSeal] {
        let seals = try await repository.seals(jobIDs)
        var verified: [JobID: JobSeal] = [:]
        for id in jobIDs {
            if let (seal, mac) = seals[id], seal.verify(mac, key: masterKey) {
                verified[id] = seal
                continue
            }
            let reason = "refused: the job's record is not sealed by a Gateway (written or changed in the database?)"
            logger.critical("refusing a job whose record does not verify", metadata: ["job.id": "\(id)"])
            var events: [OutgoingMessage] = []
            if let completed = try await repository.refuseJob(id, reason: reason) { events.append(try completionEvent(completed)) }
            let audit = AuditEvent(
                teamID: seals[id].map { TeamID($0.seal.team) }, time: Date(), actor: "service:scheduler", action: "job.refused", target: "job:\(id)",
                outcome: .refused, requestID: "\(id)", details: ["reason": reason]
            )
            events.append(
                try OutgoingMessage(audit, exchange: Topology.events, routingKey: Topology.RoutingKey.audit("job.refused"), messageID: "job-refused:\(id)"))
            try await publisher.publish(events)
        }
        return verified
    }

    /// Keeps only tasks that their job's verified seal allows (its own verb and arguments, or one
    /// of its steps) on nodes enrolled in the job's team; the rest are dropped and audited.
    func sealedOnly(_ tasks: [DispatchableTask], reportOnly: Bool) async throws -> [DispatchableTask] {
        guard !tasks.isEmpty else { return tasks }
        let seals = try await verifiedSeals(Array(Set(tasks.map(\.jobID))))
        let teams = try await nodes.enrolmentTeams(Array(Set(tasks.map(\.node.rawValue))))
        var allowed: [JobID: Set<String>] = [:]
        var kept: [DispatchableTask] = []
        var refused: [OutgoingMessage] = []
        for t in tasks {
            guard let seal = seals[t.jobID] else { continue }
            let work = allowed[t.jobID] ?? seal.allowedWork
            allowed[t.jobID] = work
            let sameTeam = teams[t.node.rawValue]?.rawValue == seal.team
            if sameTeam, reportOnly || work.contains(JobSeal.work(verb: t.verb.rawValue, arguments: t.arguments, vars: t.varsJSON)) {
                kept.append(t)
                continue
            }
            let reason =
                sameTeam ? "the task's work is not part of its sealed job (changed in the database?)" : "the task's node is not enrolled in the job's team"
            logger.critical("refusing to dispatch a task", metadata: ["job.id": "\(t.jobID)", "task.id": "\(t.taskID)", "reason": "\(reason)"])
            let audit = AuditEvent(
                teamID: TeamID(seal.team), time: Date(), actor: "service:scheduler", action: "task.refused", target: "job:\(t.jobID)/node:\(t.node)",
                outcome: .refused, requestID: "\(t.jobID)", details: ["reason": reason, "task": "\(t.taskID)"]
            )
            refused.append(
                try OutgoingMessage(
                    audit, exchange: Topology.events, routingKey: Topology.RoutingKey.audit("task.refused"), messageID: "task-refused:\(t.taskID)"))
        }
        if !refused.isEmpty { try await publisher.publish(refused) }
        return kept
    }

    /// Sends one TaskBatch per node (all of that node's tasks of one job, in order) and waits for the broker's confirms.
    func dispatch(_ tasks: [DispatchableTask], queries: [JobID: [NodeName: String]] = [:], reportOnly: Bool = false) async throws {
        let tasks = try await sealedOnly(tasks, reportOnly: reportOnly)
        guard !tasks.isEmpty || !queries.isEmpty else { return }
        var byJobAndNode: [String: [DispatchableTask]] = [:]
        var order: [String] = []
        var target: [String: (JobID, NodeName)] = [:]
        for t in tasks {
            let key = "\(t.jobID)/\(t.node)"
            if byJobAndNode[key] == nil { order.append(key) }
            byJobAndNode[key, default: []].append(t)
            target[key] = (t.jobID, t.node)
        }
        // QUERY results go with the node's released tasks, or alone (a batch with no task).
        for (job, nodes) in queries {
            for node in nodes.keys.sorted() where byJobAndNode["\(job)/\(node)"] == nil {
                let key = "\(job)/\(node)"
                order.append(key)
                byJobAndNode[key] = []
                target[key] = (job, node)
            }
        }
        let now = Date()
        let key = try await keys.activeKey().pair
        // Secret environments: opened with the master key, sealed to each node's own X25519 key.
        let sealedSecrets = reportOnly ? [:] : try await repository.sealedSecrets(Array(Set(tasks.map(\.jobID))))
        var secrets: [JobID: [String: String]] = [:]
        for (job, sealed) in sealedSecrets {
            secrets[job] = try WireCoding.decode([String: String].self, from: try masterKey.open(sealed, associatedData: Array("job-secrets:\(job)".utf8)))
        }
        let nodeKeys = secrets.isEmpty ? [:] : try await nodes.sealingKeys(Array(Set(tasks.map(\.node.rawValue))))
        let messages = try order.map { groupKey -> OutgoingMessage in
            let group = byJobAndNode[groupKey]!
            let first = (jobID: target[groupKey]!.0, node: target[groupKey]!.1)
            var batch = TaskBatch(
                jobID: first.jobID, node: first.node,
                tasks: try group.map { t in
                    var spec = TaskSpec(taskID: t.taskID, verb: t.verb, arguments: t.arguments, timeoutSeconds: t.timeoutSeconds)
                    spec.varsJSON = t.varsJSON
                    spec.artifacts = t.artifacts
                    if let env = secrets[t.jobID] {
                        guard let base64 = nodeKeys[t.node.rawValue] else { throw CryptoError.invalidKey("node \(t.node) has no sealing key") }
                        spec.sealedEnvironment = Data(try SealingPublicKey(base64: base64).seal(try WireCoding.encode(env))).base64EncodedString()
                    }
                    return spec
                },
                issuedAt: now, expiresAt: now.addingTimeInterval(configuration.security.batchTTL.seconds), nonce: UUIDv4.string()
            )
            batch.queryJSON = queries[first.jobID]?[first.node]
            if reportOnly { batch.reportOnly = true }
            return try OutgoingMessage(
                try MessageSigning.sign(batch, with: key), exchange: Topology.commands, routingKey: Topology.RoutingKey.node(first.node),
                correlationID: "\(first.jobID)"
            )
        }
        try await publisher.publish(messages)
        if !tasks.isEmpty { tasksDispatched.increment(by: Int64(tasks.count)) }
    }

    // MARK: Results

    /// Checks each result's signature against its node's enrolled key (refusals are audited and
    /// dropped), records the rest in one transaction, then publishes task and job events.
    package func ingest(signedResults: [SignedTaskResult]) async throws {
        let known = try await nodes.signingKeys(Array(Set(signedResults.map(\.node.rawValue))))
        var results: [TaskResult] = []
        var refusals: [OutgoingMessage] = []
        // In order: after a node's REKEY result, its next results are checked against its new key.
        var rotated: [String: String] = [:]
        var rekeying: [String: Bool] = [:]
        for signed in signedResults {
            let entry = known[signed.node.rawValue]
            do {
                let key = try (rotated[signed.node.rawValue] ?? entry?.key).map { try SigningPublicKey(base64: $0) }
                let result = try MessageSigning.open(signed, nodeKey: key)
                if let problem = result.rangeProblem { throw MessageSigning.Refusal.malformed(problem) }
                if result.status == .succeeded, let next = result.rotatedSigningKey { rotated[signed.node.rawValue] = next }
                results.append(result.storable)
            } catch {
                if case MessageSigning.Refusal.badSignature = error, try await isRekeying(signed.node, cache: &rekeying) {
                    // Signed with the node's new key while another replica records its REKEY result: retry this batch shortly.
                    throw NodeRekeying(node: signed.node)
                }
                logger.warning("refused a task result", metadata: ["node.name": "\(signed.node)", "error": "\(error)"])
                refusals.append(try refusal(team: entry?.team, node: signed.node, action: "task_result.refused", reason: "\(error)"))
            }
        }
        if !refusals.isEmpty { try await publisher.publish(refusals) }
        try await ingest(results: results)
    }

    /// Records a batch of verified results in one transaction, then publishes task and job events.
    func ingest(results: [TaskResult]) async throws {
        guard !results.isEmpty else { return }
        let (tasks, jobs) = try await repository.recordResults(results)
        resultsIngested.increment(by: Int64(results.count))
        resultBatchSize.record(results.count)
        // Also for a replayed REKEY result: a crash between its record and the key update is repaired.
        let recorded = Set(tasks.map(\.taskID))
        for r in results where r.status == .succeeded && recorded.contains(r.taskID) {
            guard let signing = r.rotatedSigningKey else { continue }
            try await nodes.updateKeys(name: r.node.rawValue, signingKey: signing, sealingKey: r.rotatedSealingKey)
            let event = AuditEvent(
                teamID: tasks.first { $0.taskID == r.taskID }?.team, time: Date(), actor: "service:scheduler", action: "node.rekeyed",
                target: "node:\(r.node)", outcome: .success, requestID: "\(r.jobID)", details: ["signing_key": signing]
            )
            try await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit("node.rekeyed"))])
            logger.notice("node rekeyed", metadata: ["node.name": "\(r.node)"])
        }
        let replayed = tasks.filter(\.replayed).count
        if replayed > 0 { logger.notice("results recorded before: outcomes published again", metadata: ["results.replayed": "\(replayed)"]) }
        try await publishOutcomes(tasks: tasks, jobs: jobs)
    }

    func publishOutcomes(tasks: [RecordedTask], jobs: [CompletedJob]) async throws {
        guard !tasks.isEmpty || !jobs.isEmpty else { return }
        // Gates first: a gate that fails a node's remaining steps finishes that node for batch mode too.
        let (gateFailures, gateCompleted) = try await openGates()
        var tasks = tasks + gateFailures
        var jobs = jobs + gateCompleted
        // Batch mode: a node finished, so the next held ones may start (or, failing fast, end skipped).
        let (skipped, skipCompleted) = try await releaseBatches(Array(Set(tasks.map(\.jobID))))
        tasks += skipped
        jobs += skipCompleted
        let finalStatus = Dictionary(jobs.map { ($0.jobID, $0.status) }, uniquingKeysWith: { a, _ in a })
        var events: [OutgoingMessage] = []
        for t in tasks {
            var e = JobEvent(kind: .taskFinished, jobID: t.jobID, time: Date(), jobStatus: finalStatus[t.jobID] ?? .dispatched)
            e.teamID = t.team
            e.node = t.node
            e.taskStatus = t.status
            e.exitCode = t.exitCode
            // One id per task: a replayed outcome is deduplicated by Audit and by webhooks.
            events.append(
                try OutgoingMessage(e, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.taskFinished), messageID: "task-finished:\(t.taskID)"))
        }
        for j in jobs {
            events.append(try completionEvent(j))
            logger.info("job completed", metadata: ["job.id": "\(j.jobID)", "job.status": "\(j.status.rawValue)"])
        }
        try await publisher.publish(events)
        if !jobs.isEmpty {
            try await planDependents(of: jobs.map(\.jobID))
            try await settleDeployments()
        }
    }

    /// Batch mode: dispatches the held nodes these jobs' windows now allow; returns the held tasks
    /// that `--fail-fast` ended as skipped and the jobs that completed with them.
    func releaseBatches(_ jobs: [JobID]) async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        let (released, skipped, completed) = try await repository.releaseHeld(jobs)
        if !released.isEmpty {
            try await repository.dispatching(released.map(\.taskID)) { try await dispatch(released) }
        }
        if !skipped.isEmpty {
            logger.notice("batch stopped after a failure: held nodes skipped", metadata: ["tasks.count": "\(skipped.count)"])
        }
        return (skipped, completed)
    }

    /// Releases gated tasks whose gate opened (QUERY finished everywhere, JOB_WAIT's job finished,
    /// the node rebooted), fails those that can no longer run, and sends QUERY results.
    func openGates() async throws -> (tasks: [RecordedTask], jobs: [CompletedJob]) {
        try await repository.openGates(
            decide: { job in
                let gates = StepGates(steps: job.steps)
                var satisfied: [Int: Bool] = [:]
                for (point, conditions) in gates.conditions {
                    for case .jobWait(let sha, let identities, _) in conditions {
                        satisfied[point] = try await repository.jobFinished(team: job.team, fingerprint: sha, on: identities)
                    }
                }
                let facts = StepGates.Facts(
                    dispatchedAt: job.dispatchedAt, now: Date(), deliveredQueries: job.deliveredQueries, jobWaitSatisfied: satisfied,
                    agentStartedAt: job.agentStartedAt, rebooting: job.rebooting
                )
                let decision = gates.evaluate(
                    job.tasks.map {
                        StepGates.TaskState(
                            id: $0.id, node: $0.node, seq: $0.seq, status: $0.status, gate: $0.gate, finishedAt: $0.finishedAt, queryValue: $0.queryValue)
                    },
                    facts: facts
                )
                var actions = GateActions()
                actions.release = decision.release.values.flatMap { $0 }
                actions.fail = decision.fail
                actions.deliver = decision.deliver
                return actions
            },
            send: { tasks, queries in try await dispatch(tasks, queries: queries) }
        )
    }

    /// Plans the jobs (orchestration blocks) that were waiting for these.
    func planDependents(of jobs: [JobID]) async throws {
        for next in try await repository.dependents(of: jobs) { try await plan(next) }
    }

    func completionEvent(_ job: CompletedJob) throws -> OutgoingMessage {
        var e = JobEvent(kind: .completed, jobID: job.jobID, time: Date(), jobStatus: job.status)
        Counter(label: MetricName.jobsFinished, dimensions: [("status", job.status.rawValue)]).increment()
        e.teamID = job.team
        e.error = job.error
        return try OutgoingMessage(e, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.completed), messageID: "job-completed:\(job.jobID)")
    }

    // MARK: Heartbeats

    /// Checks each heartbeat's signature against its node's enrolled key (refusals are audited
    /// under the node's enrolment team and dropped), then records the rest.
    package func ingest(signedHeartbeats: [SignedHeartbeat]) async throws {
        let known = try await nodes.signingKeys(Array(Set(signedHeartbeats.map(\.node.rawValue))))
        var heartbeats: [NodeHeartbeat] = []
        var refusals: [OutgoingMessage] = []
        var rekeying: [String: Bool] = [:]
        for signed in signedHeartbeats {
            let entry = known[signed.node.rawValue]
            do {
                heartbeats.append(try MessageSigning.open(signed, nodeKey: try entry.map { try SigningPublicKey(base64: $0.key) }))
            } catch {
                // Signed with the new key of a REKEY being recorded: the next heartbeat counts.
                if case MessageSigning.Refusal.badSignature = error, try await isRekeying(signed.node, cache: &rekeying) { continue }
                logger.warning("refused a heartbeat", metadata: ["node.name": "\(signed.node)", "error": "\(error)"])
                refusals.append(try refusal(team: entry?.team, node: signed.node, action: "heartbeat.refused", reason: "\(error)"))
            }
        }
        if !refusals.isEmpty { try await publisher.publish(refusals) }
        try await ingest(heartbeats: heartbeats)
    }

    /// Whether `node` has a REKEY not yet recorded (looked up once per batch).
    func isRekeying(_ node: NodeName, cache: inout [String: Bool]) async throws -> Bool {
        if let known = cache[node.rawValue] { return known }
        let answer = try await repository.nodesRekeying([node.rawValue]).contains(node.rawValue)
        cache[node.rawValue] = answer
        return answer
    }

    /// A result signed with a key not recorded yet while the node's REKEY is being recorded (retriable).
    struct NodeRekeying: Error, CustomStringConvertible {
        let node: NodeName
        var description: String { "node \(node) signed with a new key while its REKEY result is being recorded; retrying" }
    }

    /// An audit event for a refused node message, under the node's enrolment team.
    func refusal(team: TeamID?, node: NodeName, action: String, reason: String) throws -> OutgoingMessage {
        let event = AuditEvent(
            teamID: team, time: Date(), actor: "service:scheduler", action: action, target: "node:\(node)", outcome: .refused,
            requestID: nil, details: ["reason": reason]
        )
        return try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit(action))
    }

    /// Audits a message dead-lettered by a consumer loop (wrong type or node on a node's key,
    /// undecodable, poison), under the team of the node in its routing key when there is one.
    package func auditDeadLetter(routingKey: String, type: String?, reason: String) async {
        do {
            let node = Topology.RoutingKey.parseNode(routingKey)?.node
            var team: TeamID?
            if let node { team = try await nodes.enrolmentTeams([node.rawValue])[node.rawValue] }
            let event = AuditEvent.messageRefused(routingKey: routingKey, type: type, reason: reason, team: team, by: "scheduler")
            try await publisher.publish([try OutgoingMessage(audit: event)])
        } catch {
            logger.warning("dead letter not audited", metadata: ["error": "\(error)"])
        }
    }

    /// Records a batch of verified heartbeats; announces nodes that came online.
    func ingest(heartbeats: [NodeHeartbeat]) async throws {
        let cameOnline = try await nodes.recordHeartbeats(heartbeats)
        // What each node's deployments actually run (their containers' labels), for the API to show beside the status.
        try await delivery.recordObserved(heartbeats)
        // A rebooted node's held work goes out on its first heartbeat from a new agent.
        let (failed, completed) = try await openGates()
        if !failed.isEmpty || !completed.isEmpty { try await publishOutcomes(tasks: failed, jobs: completed) }
        guard !cameOnline.isEmpty else { return }
        let now = Date()
        try await publisher.publish(
            try cameOnline.map { node, team in
                logger.info("node online", metadata: ["node.name": "\(node)"])
                var event = NodeEvent(kind: .online, node: node, time: now, lastSeen: now)
                event.teamID = team
                return try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.fleet(.online))
            }
        )
    }

    // MARK: Sweep

    /// One pass of the periodic checks. Safe to run on every replica at once.
    package func sweep() async throws {
        for jobID in try await repository.strandedSubmissions(olderThan: configuration.strandedAfter.seconds) {
            logger.notice("planning a stranded submission", metadata: ["job.id": "\(jobID)"])
            try await plan(jobID)
        }
        let redispatched = try await repository.redispatchStranded(olderThan: configuration.strandedAfter.seconds) { tasks in
            try await dispatch(tasks)
        }
        if redispatched > 0 { logger.notice("re-dispatched stranded tasks", metadata: ["tasks.count": "\(redispatched)"]) }
        // Overdue without a result: ask the node for its stored result first (it may have been
        // lost on the way, e.g. in a database crash); fail only what the node cannot give.
        let reconcile = try await repository.tasksToReconcile(grace: configuration.resultGrace.seconds)
        if !reconcile.isEmpty {
            logger.notice("asking nodes for results never recorded", metadata: ["tasks.count": "\(reconcile.count)"])
            try await dispatch(reconcile, reportOnly: true)
        }
        let (tasks, jobs) = try await repository.failOverdueTasks(grace: configuration.resultGrace.seconds)
        if !tasks.isEmpty { logger.warning("tasks failed: no result, and their nodes could not give one", metadata: ["tasks.count": "\(tasks.count)"]) }
        try await publishOutcomes(tasks: tasks, jobs: jobs)
        // Gates that open or time out with no new result (JOB_WAIT timeouts, a lost QUERY delivery).
        let (gateFailures, gateCompleted) = try await openGates()
        try await publishOutcomes(tasks: gateFailures, jobs: gateCompleted)
        // Batch mode: nodes whose --batch-wait pause ended start (no result announces that).
        let (skipped, skipCompleted) = try await releaseBatches(try await repository.jobsPausedBetweenBatches())
        try await publishOutcomes(tasks: skipped, jobs: skipCompleted)
        // Deployments whose job ended while no result came in (or before a crash).
        try await settleDeployments()
        if retentionGate.open(every: min(.seconds(60), configuration.jobRetention)) {
            let purged = try await repository.purgeFinishedJobs(olderThan: configuration.jobRetention.seconds)
            if purged > 0 { logger.notice("finished jobs past retention deleted", metadata: ["jobs.purged": "\(purged)"]) }
            // Then bootstrap runs past retention, and artifacts nothing refers to any more.
            let (runs, artifacts) = try await repository.purgeUnreferenced(olderThan: configuration.jobRetention.seconds)
            if runs + artifacts > 0 {
                logger.notice(
                    "bootstrap runs and artifacts past retention deleted", metadata: ["bootstrap.purged": "\(runs)", "artifacts.purged": "\(artifacts)"])
            }
        }
        let silent = try await nodes.markSilentNodesOffline(missedHeartbeats: Double(configuration.offlineAfterMissedHeartbeats))
        if !silent.isEmpty {
            let now = Date()
            try await publisher.publish(
                try silent.map { node, seen, team in
                    logger.warning("node offline", metadata: ["node.name": "\(node)", "node.last_seen": "\(seen)"])
                    var event = NodeEvent(kind: .offline, node: node, time: now, lastSeen: seen)
                    event.teamID = team
                    return try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.fleet(.offline))
                }
            )
        }
    }
}

/// Lets something through at most once per interval.
final class RateGate: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    func open(every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return last.withLock { last in
            if let l = last, now - l < interval { return false }
            last = now
            return true
        }
    }
}
