import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainStore
import Foundation
import Logging
import Metrics

/// Records an accepted job and hands it to the Scheduler: the one way a job enters the system,
/// for `POST /v1/jobs` and for the container operations alike. A job the broker does not confirm
/// is withdrawn (503), so nothing half-submitted stays behind.
struct JobEnqueuer: Sendable {
    let jobs: JobRepository
    let publisher: AMQPPublisher
    /// How long a submission waits for the broker's confirm (`gateway.publish_timeout`).
    let publishTimeout: Duration
    let logger: Logger

    /// What to record: everything the Gateway checked.
    struct NewJob {
        /// The job's id when the caller needs it before the job exists (a deployment's try); new otherwise.
        var id: JobID?
        var verb: Verb
        var arguments: String
        var targets: [String]
        var timeoutSeconds: Double
        var sealedSecrets: (JobID) throws -> [UInt8]? = { _ in nil }
        var secretNames: [String] = []
        var steps: [JobStep]?
        var after: JobID?
        var name: String?
        var batch: String?
        /// Batch mode: stop starting nodes once a task failed.
        var batchFailFast = false
        /// Batch mode: seconds a finished node's slot stays empty.
        var batchWaitSeconds: Double?
        var parent: UUID?
    }

    /// The sealer of a job's secret environment: encrypted under the master key, bound to the job's
    /// id (the Scheduler opens it and seals it again to each target node's key).
    static func sealing(_ secrets: [String: String], with masterKey: SecretBox) -> (JobID) throws -> [UInt8]? {
        { id in secrets.isEmpty ? nil : masterKey.seal(try WireCoding.encode(secrets), associatedData: Array("job-secrets:\(id)".utf8)) }
    }

    /// Records `job` for the caller's team and publishes `JobSubmitted` and `job.accepted`; returns its id.
    func enqueue(_ job: NewJob, principal: Principal) async throws -> JobID {
        let id = job.id ?? JobID()
        try await jobs.insert(
            id: id, team: principal.teamID, verb: job.verb, arguments: job.arguments, targets: job.targets, timeoutSeconds: job.timeoutSeconds,
            submittedBy: principal.actor, sealedSecrets: try job.sealedSecrets(id), secretNames: job.secretNames, steps: job.steps,
            after: job.after, name: job.name, batch: job.batch, batchFailFast: job.batchFailFast,
            batchWaitSeconds: job.batchWaitSeconds, parent: job.parent
        )
        var accepted = JobEvent(kind: .accepted, jobID: id, time: Date(), jobStatus: .submitted)
        accepted.teamID = principal.teamID
        accepted.actor = principal.actor
        accepted.verb = job.verb
        accepted.arguments = job.arguments
        let messages = [
            try OutgoingMessage(JobSubmitted(jobID: id), exchange: Topology.commands, routingKey: Topology.RoutingKey.schedulerJobs, correlationID: "\(id)"),
            try OutgoingMessage(accepted, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.accepted), correlationID: "\(id)"),
        ]
        do {
            try await withTimeout(publishTimeout, "broker confirm") { try await publisher.publish(messages) }
        } catch {
            logger.error("submission not handed to the broker; withdrawn", metadata: ["job.id": "\(id)", "error": "\(error)"])
            try? await jobs.delete(id: id)
            throw HTTPResponseError.brokerUnavailable("job")
        }
        Counter(label: MetricName.jobsSubmitted).increment()
        logger.info("job accepted", metadata: ["job.id": "\(id)", "job.verb": "\(job.verb.rawValue)", "job.actor": "\(principal.actor)"])
        return id
    }
}
