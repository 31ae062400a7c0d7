import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainStore
import Foundation
import Hummingbird
import Logging
import Synchronization

/// Jobs: submit (`POST /v1/jobs`), list, one job, its event stream, purge the finished ones.
struct JobsController: Sendable {
    let jobs: JobRepository
    let nodes: NodeRepository
    let artifacts: ArtifactRepository
    /// Seals a job's secret environment at rest.
    let masterKey: SecretBox
    let enqueuer: JobEnqueuer
    let body: RequestBody
    let recorder: ActionRecorder
    let streams: EventStreamResponder
    let logger: Logger
    let validator = JobSubmissionValidator()
    /// Names, globs and selectors to nodes, as the preview resolves them.
    var resolver: TargetResolver { TargetResolver(nodes: nodes) }

    func submit(_ call: Call) async throws -> Response {
        let principal = call.principal
        let validated = try validator.validate(try await body.decode(SubmitJobRequest.self, from: call.request), role: principal.role, team: principal.teamName)
        let submission = validated.request
        let verb = validated.verb
        // What needs the database, after everything that does not.
        for artifact in validated.artifacts {
            let file = artifact.file
            guard ArtifactRef.isDigest(file.digest), try await artifacts.info(team: principal.teamID, digest: file.digest) != nil else {
                throw HTTPResponseError(
                    .artifactNotUploaded,
                    "step \(artifact.step): \(file.name) (\(file.digest)) was not uploaded to team \(principal.teamName); nothing was submitted"
                )
            }
        }
        if let after = submission.after, try await !jobs.exists(after, team: principal.teamID) {
            throw HTTPResponseError(.unknownJob, "'after' names no job of this team")
        }
        // One resolver with the preview (`POST /v1/nodes/match`): names, globs, label and fact selectors.
        let reached = try await resolver.resolve({ validated.selector }, team: principal.teamID, suffix: "; nothing was submitted")
        // Nothing narrowed the nodes: the Scheduler takes the nodes online when it plans the job.
        let targets = reached.everyOnlineNode ? [] : reached.nodes.map(\.name)

        let secrets = validated.secrets
        let job = JobEnqueuer.NewJob(
            verb: verb, arguments: submission.arguments, targets: targets, timeoutSeconds: validated.timeoutSeconds,
            sealedSecrets: JobEnqueuer.sealing(secrets, with: masterKey),
            secretNames: secrets.keys.sorted(), steps: submission.steps, after: submission.after, name: submission.name, batch: submission.batch,
            batchFailFast: submission.batchFailFast ?? false, batchWaitSeconds: submission.batchWaitSeconds, parent: submission.parent
        )
        let id = try await enqueuer.enqueue(job, principal: principal)
        return APIResponse.json(SubmitJobResponse(jobID: id, status: .submitted), status: .accepted)
    }

    /// `GET /v1/jobs?limit=&status=&parent=`.
    func list(_ call: Call) async throws -> Response {
        let request = call.request
        let limitText = request.uri.queryParameters["limit"].map(String.init) ?? "50"
        guard let limit = Int(limitText), (1...10_000).contains(limit) else {
            throw HTTPResponseError(.invalidLimit, "limit must be 1...10000")
        }
        var statuses: [JobStatus]?
        if let filter = request.uri.queryParameters["status"].map(String.init) {
            var parsed: [JobStatus] = []
            for part in filter.split(separator: ",") {
                guard let s = JobStatus(rawValue: String(part)) else {
                    throw HTTPResponseError(.invalidStatus, "unknown status '\(part)'; use \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.append(s)
            }
            statuses = parsed
        }
        var parent: UUID?
        if let text = request.uri.queryParameters["parent"].map(String.init) {
            guard let id = UUID(uuidString: text) else { throw HTTPResponseError(.invalidParent, "parent is an orchestration's id (a UUID)") }
            parent = id
        }
        return APIResponse.json(try await jobs.list(team: call.principal.teamID, limit: limit, statuses: statuses, parent: parent))
    }

    /// The job named by `:id`: an id, or `last` for the team's latest.
    func resolveJobID(_ call: Call) async throws -> JobID? {
        guard let raw = call.parameter("id") else { return nil }
        if raw == "last" { return try await jobs.lastJobID(team: call.principal.teamID) }
        return JobID(string: raw)
    }

    /// `GET /v1/jobs/{id|last}`.
    func detail(_ call: Call) async throws -> Response {
        guard let id = try await resolveJobID(call), let detail = try await jobs.detail(id: id, team: call.principal.teamID) else {
            throw HTTPResponseError.unknownJob
        }
        return APIResponse.json(detail)
    }

    /// Server-sent events for one job: `job` events as they happen, `output` chunks, and a final
    /// `end` with the job summary; the stream closes when the job is complete.
    func events(_ call: Call) async throws -> Response {
        let team = call.principal.teamID
        guard let id = try await resolveJobID(call), try await jobs.summary(id: id, team: team) != nil else {
            throw HTTPResponseError.unknownJob
        }
        let jobs = self.jobs
        let nodes = JobNodes()
        return streams.stream(
            key: id, banner: "job \(id)", lastEventID: call.lastEventID,
            summary: { try await jobs.summary(id: id, team: team).map { ($0.status.isFinal, try WireCoding.encode($0)) } },
            render: { item in
                switch item {
                case .job(let event, let raw): return (APIResponse.sse(.job, raw), event.kind == .completed)
                case .output(let node, let raw):
                    // Output only from nodes that have a task in this job (looked up again for a node not seen yet).
                    if !nodes.contains(node) { nodes.replace((try? await jobs.nodes(of: id)) ?? []) }
                    return (nodes.contains(node) ? APIResponse.sse(.output, raw) : nil, false)
                case .bootstrap, .tick: return (nil, false)
                }
            }
        )
    }

    /// `DELETE /v1/jobs`: forgets the team's finished jobs.
    func purge(_ call: Call) async throws -> Response {
        let purged = try await jobs.purgeFinished(team: call.principal.teamID)
        await recorder.record(call, action: "jobs.purge", target: "jobs", details: ["deleted": String(purged)])
        return APIResponse.json(["deleted": String(purged)])
    }
}

/// The nodes of one streamed job, refreshed when output from an unknown node arrives.
final class JobNodes: Sendable {
    private let names = Mutex(Set<String>())
    func contains(_ node: String) -> Bool { names.withLock { $0.contains(node) } }
    func replace(_ new: Set<String>) { names.withLock { $0 = new } }
}
