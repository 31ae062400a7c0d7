import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The `/v1` API, served identically on the UNIX socket and on HTTP.
package struct GatewayAPI: Sendable {
    let jobs: JobRepository
    let nodes: NodeRepository
    let publisher: AMQPPublisher
    let hub: EventHub
    let ready: @Sendable () async -> Bool
    let configuration: GatewayConfiguration
    let logger: Logger

    package init(
        jobs: JobRepository, nodes: NodeRepository, publisher: AMQPPublisher, hub: EventHub, configuration: GatewayConfiguration,
        logger: Logger, ready: @escaping @Sendable () async -> Bool
    ) {
        self.jobs = jobs
        self.nodes = nodes
        self.publisher = publisher
        self.hub = hub
        self.configuration = configuration
        self.logger = logger
        self.ready = ready
    }

    /// The route table. Every route is listed here and nowhere else.
    package func router() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.get("/v1/health") { _, _ in Self.json(["status": "ok", "version": CoxswainVersion.current]) }
        router.get("/v1/ready") { _, _ in
            await ready() ? Self.json(["status": "ready"]) : Self.error(.serviceUnavailable, "not_ready", "database or broker not ready yet")
        }
        router.post("/v1/jobs") { request, context in try await submit(request, context: context) }
        router.get("/v1/jobs") { request, _ in try await listJobs(request) }
        router.get("/v1/jobs/:id") { _, context in try await job(context) }
        router.get("/v1/jobs/:id/events") { _, context in try await events(context) }
        router.get("/v1/nodes") { _, _ in Self.json(try await nodes.list()) }
        return router
    }

    // MARK: Jobs

    func submit(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxRequestBytes)
        } catch is NIOTooManyBytesError {
            return Self.error(.contentTooLarge, "payload_too_large", "request body exceeds \(configuration.maxRequestBytes) bytes")
        }
        let submission: SubmitJobRequest
        do {
            submission = try JSONDecoder().decode(SubmitJobRequest.self, from: Data(buffer: body))
        } catch {
            return Self.error(.badRequest, "invalid_json", "request body is not a valid job: \(Self.describe(decodingError: error))")
        }
        guard let verb = Verb(parsing: submission.verb) else {
            return Self.error(
                .badRequest, "unknown_verb",
                "unknown verb '\(submission.verb)'; known verbs: \(Verb.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if verb == .run, submission.arguments.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return Self.error(.badRequest, "missing_arguments", "RUN needs a command")
        }
        if submission.arguments.utf8.count > SubmitJobRequest.maximumArgumentBytes {
            return Self.error(.contentTooLarge, "payload_too_large", "arguments exceed \(SubmitJobRequest.maximumArgumentBytes) bytes")
        }
        let timeout = submission.timeoutSeconds ?? SubmitJobRequest.defaultTimeoutSeconds
        guard timeout > 0, timeout <= SubmitJobRequest.maximumTimeoutSeconds else {
            return Self.error(.badRequest, "invalid_timeout", "timeoutSeconds must be in (0, \(Int(SubmitJobRequest.maximumTimeoutSeconds))]")
        }
        let targets = submission.targets ?? []
        if let bad = targets.first(where: { !NodeName.isValid($0) }) {
            return Self.error(.badRequest, "invalid_target", NodeNameError(name: bad).description)
        }
        if !targets.isEmpty {
            let known = try await nodes.existing(targets)
            let unknown = targets.filter { !known.contains($0) }
            if !unknown.isEmpty {
                return Self.error(.notFound, "unknown_target", "unknown target\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")); nothing was submitted")
            }
        }

        let id = JobID()
        try await jobs.insert(id: id, verb: verb, arguments: submission.arguments, targets: targets, timeoutSeconds: timeout, submittedBy: context.actor)
        var accepted = JobEvent(kind: .accepted, jobID: id, time: Date(), jobStatus: .submitted)
        accepted.actor = context.actor
        accepted.verb = verb
        accepted.arguments = submission.arguments
        let messages = [
            try OutgoingMessage(JobSubmitted(jobID: id), exchange: Topology.commands, routingKey: Topology.RoutingKey.schedulerJobs, correlationID: "\(id)"),
            try OutgoingMessage(accepted, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.accepted), correlationID: "\(id)"),
        ]
        do {
            try await withTimeout(configuration.publishTimeout) { try await publisher.publish(messages) }
        } catch {
            logger.error("submission not handed to the broker; withdrawn", metadata: ["job.id": "\(id)", "error": "\(error)"])
            try? await jobs.delete(id: id)
            return Self.error(.serviceUnavailable, "broker_unavailable", "the message broker did not accept the job; nothing was submitted")
        }
        logger.info("job accepted", metadata: ["job.id": "\(id)", "job.verb": "\(verb.rawValue)", "job.actor": "\(context.actor)"])
        return Self.json(SubmitJobResponse(jobID: id, status: .submitted), status: .accepted)
    }

    func listJobs(_ request: Request) async throws -> Response {
        let limitText = request.uri.queryParameters["limit"].map(String.init) ?? "50"
        guard let limit = Int(limitText), (1...10_000).contains(limit) else {
            return Self.error(.badRequest, "invalid_limit", "limit must be 1...10000")
        }
        var statuses: [JobStatus]?
        if let filter = request.uri.queryParameters["status"].map(String.init) {
            var parsed: [JobStatus] = []
            for part in filter.split(separator: ",") {
                guard let s = JobStatus(rawValue: String(part)) else {
                    return Self.error(.badRequest, "invalid_status", "unknown status '\(part)'; use \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.append(s)
            }
            statuses = parsed
        }
        return Self.json(try await jobs.list(limit: limit, statuses: statuses))
    }

    func resolveJobID(_ context: GatewayRequestContext) async throws -> JobID? {
        guard let raw = context.parameters.get("id") else { return nil }
        if raw == "last" { return try await jobs.lastJobID() }
        return JobID(string: raw)
    }

    func job(_ context: GatewayRequestContext) async throws -> Response {
        guard let id = try await resolveJobID(context), let detail = try await jobs.detail(id: id) else {
            return Self.error(.notFound, "unknown_job", "no such job")
        }
        return Self.json(detail)
    }

    /// Server-sent events for one job: `job` events as they happen, `output` chunks, and a final
    /// `end` with the job summary; the stream closes when the job is complete.
    func events(_ context: GatewayRequestContext) async throws -> Response {
        guard let id = try await resolveJobID(context), try await jobs.summary(id: id) != nil else {
            return Self.error(.notFound, "unknown_job", "no such job")
        }
        let subscription = hub.subscribe(id)
        let jobs = self.jobs
        let hub = self.hub
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        subscription.continuation.yield(.tick)
                    }
                }
                defer {
                    ticker.cancel()
                    hub.unsubscribe(id, id: subscription.id)
                }
                try await writer.write(ByteBuffer(string: ": stream of job \(id)\n\n"))
                // Subscribed first, then checked: a job that finished before we subscribed still ends the stream.
                if let summary = try await jobs.summary(id: id), summary.status.isFinal {
                    try await writer.write(Self.sse(.end, try WireCoding.encode(summary)))
                    try await writer.finish(nil)
                    return
                }
                for await item in subscription.stream {
                    var finished = false
                    switch item {
                    case .job(let event, let raw):
                        try await writer.write(Self.sse(.job, raw))
                        finished = event.kind == .completed
                    case .output(let raw):
                        try await writer.write(Self.sse(.output, raw))
                    case .tick:
                        finished = try await jobs.summary(id: id)?.status.isFinal ?? true
                    }
                    if finished {
                        if let summary = try await jobs.summary(id: id) {
                            try await writer.write(Self.sse(.end, try WireCoding.encode(summary)))
                        }
                        break
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    // MARK: Encoding helpers

    static func sse(_ name: StreamEventName, _ data: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name.rawValue)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? WireCoding.encode(value)) ?? Array("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ reason: String) -> Response {
        json(APIError(error: code, reason: reason), status: status)
    }

    static func describe(decodingError error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c): "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.valueNotFound(_, let c): "null at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c): c.codingPath.isEmpty ? "malformed JSON" : "invalid value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "malformed JSON"
        }
    }
}

/// Thrown by `withTimeout` when the deadline passes first.
struct TimedOut: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

/// Runs `body`, cancelling it when `timeout` passes first.
func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
