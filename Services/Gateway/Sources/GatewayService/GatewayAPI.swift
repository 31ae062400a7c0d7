import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainOrchestration
import CoxswainStore
import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The `/v1` API, served identically on the UNIX socket and on HTTP.
package struct GatewayAPI: Sendable {
    let jobs: JobRepository
    let nodes: NodeRepository
    let access: AccessRepository
    let audit: AuditRepository
    let authenticator: Authenticator
    let enrolment: NodeEnrolment?
    let keys: ControlKeyRepository
    let masterKey: SecretBox
    let notifications: NotificationRepository
    let artifacts: ArtifactRepository
    let bootstrap: BootstrapRepository
    let publisher: AMQPPublisher
    let hub: EventHub
    /// Nil when ready; otherwise why not (e.g. "degraded: database unreachable since …").
    let ready: @Sendable () async -> String?
    let configuration: GatewayConfiguration
    let logger: Logger

    package init(
        jobs: JobRepository, nodes: NodeRepository, access: AccessRepository, audit: AuditRepository, authenticator: Authenticator,
        enrolment: NodeEnrolment?, keys: ControlKeyRepository, masterKey: SecretBox, notifications: NotificationRepository, artifacts: ArtifactRepository, bootstrap: BootstrapRepository, publisher: AMQPPublisher, hub: EventHub, configuration: GatewayConfiguration, logger: Logger,
        ready: @escaping @Sendable () async -> String?
    ) {
        self.jobs = jobs
        self.nodes = nodes
        self.access = access
        self.audit = audit
        self.authenticator = authenticator
        self.enrolment = enrolment
        self.keys = keys
        self.masterKey = masterKey
        self.notifications = notifications
        self.artifacts = artifacts
        self.bootstrap = bootstrap
        self.publisher = publisher
        self.hub = hub
        self.configuration = configuration
        self.logger = logger
        self.ready = ready
    }

    /// The router, built from the route table (`Endpoint`): every route authenticates and checks
    /// its role here, in one place.
    package func router() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        for endpoint in Endpoint.allCases {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                do {
                    return try await dispatch(endpoint, request, context)
                } catch {
                    if let refusal = Self.refusal(databaseError: error) {
                        logger.notice("request refused by the database", metadata: ["http.route": "\(endpoint.rawValue)", "error": "\(String(reflecting: error))"])
                        return refusal
                    }
                    logger.error("request failed", metadata: ["http.route": "\(endpoint.rawValue)", "error": "\(String(reflecting: error))"])
                    return Self.error(.internalServerError, "internal_error", "the gateway could not complete this request; see its log")
                }
            }
        }
        return router
    }

    func dispatch(_ endpoint: Endpoint, _ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let requestID = request.headers[HTTPField.Name("X-Request-ID")!] ?? UUIDv4.string()
        guard let minimum = endpoint.minimumRole else {
            return try await handlePublic(endpoint, request, context, requestID: requestID)
        }
        guard let principal = try await authenticator.authenticate(request, context: context) else {
            return Self.error(.unauthorized, "unauthenticated", "credentials missing, invalid or expired (use a token, a session, or the UNIX socket)")
        }
        guard principal.role >= minimum else {
            await record(principal, action: "\(endpoint.rawValue).denied", target: endpoint.path, outcome: .denied, requestID: requestID,
                         details: ["needs": minimum.rawValue, "has": principal.role.rawValue])
            return Self.error(.forbidden, "forbidden", "this needs the \(minimum.rawValue) role in team \(principal.teamName); you are \(principal.role.rawValue)")
        }
        let call = Call(request: request, context: context, principal: principal, requestID: requestID)
        switch endpoint {
        case .whoami: return Self.json(WhoAmI(actor: principal.actor, team: principal.teamName, role: principal.role, user: principal.userName))
        case .logout: return try await logout(call)
        case .submitJob: return try await submit(call)
        case .listJobs: return try await listJobs(call)
        case .getJob: return try await job(call)
        case .jobEvents: return try await events(call)
        case .listNodes: return Self.json(try await nodes.list(team: principal.teamID))
        case .addNode: return try await addNode(call)
        case .removeNode: return try await removeNode(call)
        case .createTeam: return try await createTeam(call)
        case .listTeams: return try await listTeams(call)
        case .listMembers: return Self.json(try await access.members(of: principal.teamID))
        case .invite: return try await invite(call)
        case .setRole: return try await setRole(call)
        case .removeMember: return try await removeMember(call)
        case .createUser: return try await createUser(call)
        case .createToken: return try await createToken(call)
        case .listTokens:
            let tokens = try await access.tokens(team: principal.teamID)
            return Self.json(principal.role >= .admin ? tokens : tokens.filter { $0.user == principal.userName })
        case .revokeToken: return try await revokeToken(call)
        case .listAudit: return try await listAudit(call)
        case .verifyAudit: return try await verifyAudit(call)
        case .rotateKeys: return try await rotateKeys(call)
        case .addNotification: return try await addNotification(call)
        case .listNotifications: return Self.json(try await notifications.list(team: principal.teamID))
        case .removeNotification: return try await removeNotification(call)
        case .testNotification: return try await testNotification(call)
        case .getArtifact: return try await artifactInfo(call)
        case .uploadArtifact: return try await uploadArtifact(call)
        case .submitBootstrap: return try await submitBootstrap(call)
        case .listBootstrap: return try await listBootstrap(call)
        case .getBootstrap: return try await bootstrapDetail(call)
        case .bootstrapEvents: return try await bootstrapEvents(call)
        case .bootstrapFile: return try await bootstrapFile(call)
        case .addCredential: return try await addCredential(call)
        case .listCredentials: return Self.json(try await bootstrap.credentials(team: call.principal.teamID))
        case .removeCredential: return try await removeCredential(call)
        case .listKnownHosts: return Self.json(try await bootstrap.knownHosts(team: call.principal.teamID))
        case .forgetKnownHost: return try await forgetKnownHost(call)
        case .purgeJobs:
            let purged = try await jobs.purgeFinished(team: principal.teamID)
            await record(principal, action: "jobs.purge", target: "jobs", outcome: .success, requestID: call.requestID, details: ["deleted": String(purged)])
            return Self.json(["deleted": String(purged)])
        case .purgeNodes:
            guard let enrolment else { return Self.error(.serviceUnavailable, "enrolment_unavailable", "node removal needs amqp.management_url on the gateway") }
            var removed: [String] = []
            for node in try await nodes.list(team: principal.teamID) where node.status == .offline {
                if try await enrolment.remove(team: principal.teamID, name: node.name) { removed.append(node.name) }
            }
            await record(principal, action: "nodes.purge", target: "nodes", outcome: .success, requestID: call.requestID, details: ["removed": removed.joined(separator: ",")])
            return Self.json(["removed": removed.joined(separator: ",")])
        case .health, .ready, .login, .acceptInvitation, .enrol, .nodeArtifact: return try await handlePublic(endpoint, request, context, requestID: requestID)
        }
    }

    func handlePublic(_ endpoint: Endpoint, _ request: Request, _ context: GatewayRequestContext, requestID: String) async throws -> Response {
        switch endpoint {
        case .health: return Self.json(["status": "ok", "version": CoxswainVersion.current])
        case .ready:
            guard let problem = await ready() else { return Self.json(["status": "ready"]) }
            return Self.error(.serviceUnavailable, "not_ready", problem)
        case .login: return try await login(request, requestID: requestID)
        case .acceptInvitation: return try await acceptInvitation(request, requestID: requestID)
        case .enrol: return try await enrol(request, requestID: requestID)
        case .nodeArtifact: return try await nodeArtifact(request, context, requestID: requestID)
        default: return Self.error(.notFound, "not_found", "no such route")
        }
    }

    /// One authenticated call.
    struct Call {
        let request: Request
        let context: GatewayRequestContext
        let principal: Principal
        let requestID: String
        func parameter(_ name: String) -> String? { context.parameters.get(name) }
    }

    /// Verbs that always run as steps (the Scheduler coordinates them per step).
    static let stepOnlyVerbs: Set<Verb> = [.add, .copy, .query, .queryWait, .jobWait, .queueSentinel, .reboot]

    /// Reads a JSON body of at most `gateway.max_request_bytes`, or explains what is wrong.
    func body<T: Decodable>(_ type: T.Type, from request: Request, limit: Int? = nil) async throws -> Decoded<T> {
        let bytes: ByteBuffer
        let limit = limit ?? configuration.maxRequestBytes
        do {
            bytes = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return .rejected(Self.error(.contentTooLarge, "payload_too_large", "request body exceeds \(limit) bytes"))
        }
        let data = Data(buffer: bytes)
        // PostgreSQL cannot store NUL in text: refused here, naming the field, for every route.
        if let path = NULScanner.firstPath(in: data) {
            return .rejected(Self.error(.badRequest, "invalid_character", "\(path) contains a NUL character (\\u0000), which is not allowed"))
        }
        let value: T
        do {
            value = try WireCoding.decoder().decode(T.self, from: data)
        } catch {
            // A number its field cannot hold (1e300 for an Int) is reported without a path on Linux: find it.
            if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty, let path = NumberLocator.unfitNumber(in: data, as: T.self) {
                return .rejected(Self.error(.badRequest, "out_of_range", "\(path) is out of range for this field (too large, too small or not a whole number)"))
            }
            return .rejected(Self.error(.badRequest, "invalid_json", "request body is not valid: \(Self.describe(decodingError: error))"))
        }
        // Every number of a request is range-checked before anything converts or stores it.
        if let problem = (value as? any RangeChecked)?.rangeProblem {
            return .rejected(Self.error(.badRequest, problem.code, problem.reason))
        }
        return .decoded(value)
    }

    /// A request body: decoded, or the error answer to send.
    enum Decoded<T> {
        case decoded(T)
        case rejected(Response)
    }

    /// Publishes an audit event for an action (never fails the request).
    func record(_ principal: Principal?, action: String, target: String, outcome: AuditEvent.Outcome, requestID: String, details: [String: String] = [:], team: TeamID? = nil) async {
        let event = AuditEvent(
            teamID: team ?? principal?.teamID, time: Date(), actor: principal?.actor ?? "anonymous", action: action, target: target,
            outcome: outcome, requestID: requestID, details: details
        )
        do {
            try await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit(action))])
        } catch {
            logger.error("audit event not published", metadata: ["audit.action": "\(action)", "error": "\(error)"])
        }
    }

    // MARK: Jobs

    func submit(_ call: Call) async throws -> Response {
        var submission: SubmitJobRequest
        switch try await body(SubmitJobRequest.self, from: call.request) {
        case .decoded(let s): submission = s
        case .rejected(let response): return response
        }
        let principal = call.principal
        guard let verb = Verb(parsing: submission.verb) else {
            return Self.error(
                .badRequest, "unknown_verb",
                "unknown verb '\(submission.verb)'; known verbs: \(Verb.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if verb == .rekey, principal.role < .admin {
            return Self.error(.forbidden, "forbidden", "REKEY needs the admin role in team \(principal.teamName)")
        }
        if verb == .run, submission.arguments.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return Self.error(.badRequest, "missing_arguments", "RUN needs a command")
        }
        if verb != .rekey, submission.steps == nil {
            // Directord's option grammar, checked here so a bad option is a 400 and nothing runs.
            do {
                let (_, options) = try VerbParser.parse(verb: verb.rawValue, arguments: submission.arguments, at: SourceLocation(file: "request", block: 1))
                if options.runOnce { submission.steps = [JobStep(verb: verb.rawValue, arguments: submission.arguments, runOnce: true)] }
            } catch {
                return Self.error(.badRequest, "invalid_arguments", "\(error)")
            }
        }
        if submission.steps == nil, Self.stepOnlyVerbs.contains(verb) {
            // Verbs the Scheduler coordinates (gates, artifacts, drops) always travel as steps.
            submission.steps = [JobStep(verb: verb.rawValue, arguments: submission.arguments)]
        }
        for (i, step) in (submission.steps ?? []).enumerated() {
            guard let stepVerb = Verb(parsing: step.verb), stepVerb != .rekey else {
                return Self.error(.badRequest, "unknown_verb", "step \(i + 1): unknown verb '\(step.verb)'; known verbs: \(Verb.allCases.filter { $0 != .rekey }.map(\.rawValue).joined(separator: ", "))")
            }
            do {
                let vars = try step.varsJSON.map { try JSONDecoder().decode([String: YAMLValue].self, from: Data($0.utf8)) } ?? [:]
                let (_, options) = try VerbParser.parse(verb: stepVerb.rawValue, arguments: step.arguments, vars: vars, at: SourceLocation(file: "request", block: 1, job: i + 1))
                if options.runOnce { submission.steps?[i].runOnce = true }
            } catch {
                return Self.error(.badRequest, "invalid_arguments", "step \(i + 1): \(error)")
            }
            if stepVerb == .add || stepVerb == .copy {
                guard let files = step.artifacts, !files.isEmpty else {
                    return Self.error(.badRequest, "missing_artifacts", "step \(i + 1): \(stepVerb.rawValue) needs its files uploaded as artifacts (the coxswain CLI does this)")
                }
                for file in files {
                    guard ArtifactRef.isDigest(file.digest), try await artifacts.info(team: principal.teamID, digest: file.digest) != nil else {
                        return Self.error(.badRequest, "unknown_artifact", "step \(i + 1): \(file.name) (\(file.digest)) was not uploaded to team \(principal.teamName); nothing was submitted")
                    }
                }
            }
            if let bad = (step.assign ?? []).first(where: { !NodeName.isValid($0) }) {
                return Self.error(.badRequest, "invalid_target", NodeNameError(name: bad).description)
            }
        }
        if let batch = submission.batch, SubmitJobRequest.batchWindow(batch, nodes: 100) == nil {
            return Self.error(.badRequest, "invalid_batch", "batch is a number of nodes (10) or a percentage (25%)")
        }
        if submission.batch != nil, (submission.steps ?? []).contains(where: { [.query, .jobWait, .queryWait].contains(Verb(parsing: $0.verb)) }) {
            // A QUERY waits for every node, which a batch window holds back: that would never finish.
            return Self.error(.badRequest, "invalid_batch", "--batch cannot be combined with QUERY, QUERY_WAIT or JOB_WAIT (they wait for nodes the batch holds back)")
        }
        if let after = submission.after, try await !jobs.exists(after, team: principal.teamID) {
            return Self.error(.notFound, "unknown_job", "'after' names no job of this team")
        }
        if submission.arguments.utf8.count > SubmitJobRequest.maximumArgumentBytes {
            return Self.error(.contentTooLarge, "payload_too_large", "arguments exceed \(SubmitJobRequest.maximumArgumentBytes) bytes")
        }
        let timeout = submission.timeoutSeconds ?? SubmitJobRequest.defaultTimeoutSeconds
        guard timeout > 0, timeout <= SubmitJobRequest.maximumTimeoutSeconds else {
            return Self.error(.badRequest, "invalid_timeout", "timeoutSeconds must be in (0, \(Int(SubmitJobRequest.maximumTimeoutSeconds))]")
        }
        var targets = submission.targets ?? []
        if let bad = targets.first(where: { !NodeName.isValid($0) }) {
            return Self.error(.badRequest, "invalid_target", NodeNameError(name: bad).description)
        }
        if let labels = submission.targetLabels, !labels.isEmpty {
            let labelled = try await nodes.withLabels(labels, team: principal.teamID)
            let wanted = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            targets = targets.isEmpty ? labelled : targets.filter(labelled.contains)
            guard !targets.isEmpty else {
                return Self.error(.notFound, "no_matching_nodes", "no node matches the labels \(wanted)\(submission.targets.map { _ in " among the named targets" } ?? ""); nothing was submitted")
            }
        }
        if !targets.isEmpty {
            let known = try await nodes.existing(targets, team: principal.teamID)
            let unknown = targets.filter { !known.contains($0) }
            if !unknown.isEmpty {
                return Self.error(.notFound, "unknown_target", "unknown target\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")); nothing was submitted")
            }
        }

        let secrets = submission.secretEnvironment ?? [:]
        if let bad = secrets.keys.first(where: { !SubmitJobRequest.isEnvironmentName($0) }) {
            return Self.error(.badRequest, "invalid_secret_name", "'\(bad)' is not an environment variable name")
        }
        let id = JobID()
        let sealed = secrets.isEmpty ? nil : masterKey.seal(try WireCoding.encode(secrets), associatedData: Array("job-secrets:\(id)".utf8))
        try await jobs.insert(
            id: id, team: principal.teamID, verb: verb, arguments: submission.arguments, targets: targets, timeoutSeconds: timeout,
            submittedBy: principal.actor, sealedSecrets: sealed, secretNames: secrets.keys.sorted(), steps: submission.steps,
            after: submission.after, name: submission.name, batch: submission.batch, parent: submission.parent
        )
        var accepted = JobEvent(kind: .accepted, jobID: id, time: Date(), jobStatus: .submitted)
        accepted.teamID = principal.teamID
        accepted.actor = principal.actor
        accepted.verb = verb
        accepted.arguments = submission.arguments
        let messages = [
            try OutgoingMessage(JobSubmitted(jobID: id), exchange: Topology.commands, routingKey: Topology.RoutingKey.schedulerJobs, correlationID: "\(id)"),
            try OutgoingMessage(accepted, exchange: Topology.events, routingKey: Topology.RoutingKey.job(.accepted), correlationID: "\(id)"),
        ]
        do {
            try await withTimeout(configuration.publishTimeout, "broker confirm") { try await publisher.publish(messages) }
        } catch {
            logger.error("submission not handed to the broker; withdrawn", metadata: ["job.id": "\(id)", "error": "\(error)"])
            try? await jobs.delete(id: id)
            return Self.error(.serviceUnavailable, "broker_unavailable", "the message broker did not accept the job; nothing was submitted")
        }
        logger.info("job accepted", metadata: ["job.id": "\(id)", "job.verb": "\(verb.rawValue)", "job.actor": "\(principal.actor)"])
        return Self.json(SubmitJobResponse(jobID: id, status: .submitted), status: .accepted)
    }

    func listJobs(_ call: Call) async throws -> Response {
        let request = call.request
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
        var parent: UUID?
        if let text = request.uri.queryParameters["parent"].map(String.init) {
            guard let id = UUID(uuidString: text) else { return Self.error(.badRequest, "invalid_parent", "parent is an orchestration's id (a UUID)") }
            parent = id
        }
        return Self.json(try await jobs.list(team: call.principal.teamID, limit: limit, statuses: statuses, parent: parent))
    }

    func resolveJobID(_ call: Call) async throws -> JobID? {
        guard let raw = call.parameter("id") else { return nil }
        if raw == "last" { return try await jobs.lastJobID(team: call.principal.teamID) }
        return JobID(string: raw)
    }

    func job(_ call: Call) async throws -> Response {
        guard let id = try await resolveJobID(call), let detail = try await jobs.detail(id: id, team: call.principal.teamID) else {
            return Self.error(.notFound, "unknown_job", "no such job")
        }
        return Self.json(detail)
    }

    /// Server-sent events for one job: `job` events as they happen, `output` chunks, and a final
    /// `end` with the job summary; the stream closes when the job is complete.
    func events(_ call: Call) async throws -> Response {
        let team = call.principal.teamID
        guard let id = try await resolveJobID(call), try await jobs.summary(id: id, team: team) != nil else {
            return Self.error(.notFound, "unknown_job", "no such job")
        }
        let jobs = self.jobs
        let nodes = JobNodes()
        return eventStream(
            key: id, banner: "job \(id)", lastEventID: call.request.headers[HTTPField.Name("Last-Event-ID")!],
            summary: { try await jobs.summary(id: id, team: team).map { ($0.status.isFinal, try WireCoding.encode($0)) } },
            render: { item in
                switch item {
                case .job(let event, let raw): return (Self.sse(.job, raw), event.kind == .completed)
                case .output(let node, let raw):
                    // Output only from nodes that have a task in this job (looked up again for a node not seen yet).
                    if !nodes.contains(node) { nodes.replace((try? await jobs.nodes(of: id)) ?? []) }
                    return (nodes.contains(node) ? Self.sse(.output, raw) : nil, false)
                case .bootstrap, .tick: return (nil, false)
                }
            }
        )
    }

    /// Streams the hub's items for `key` as server-sent events, then an `end` event with the
    /// final summary. The stream ends when `render` says an item finished it, or when a tick
    /// (every 2 s) finds `summary` final — so a finish missed while subscribing still ends it.
    ///
    /// Each event carries an id (`<gateway instance>.<seq>`); a client reconnecting with
    /// `Last-Event-ID` to the same Gateway gets only what followed (another Gateway replays its
    /// backlog). While the database is unreachable the stream stays open and says so in a comment.
    ///
    /// - Parameters:
    ///   - summary: Whether the job or run is final, and its encoded summary; `nil` when it is gone.
    ///   - render: The event to write for an item (or none), and whether it finished the stream.
    func eventStream(
        key: JobID, banner: String, lastEventID: String? = nil, summary: @escaping @Sendable () async throws -> (isFinal: Bool, encoded: [UInt8])?,
        render: @escaping @Sendable (HubItem) async -> (ByteBuffer?, Bool)
    ) -> Response {
        let hub = self.hub
        var after = 0
        if let lastEventID, let dot = lastEventID.firstIndex(of: "."), lastEventID[..<dot] == hub.instance {
            after = Int(lastEventID[lastEventID.index(after: dot)...]) ?? 0
        }
        let subscription = hub.subscribe(key, after: after)
        let instance = hub.instance
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        subscription.continuation.yield((seq: 0, item: .tick))
                    }
                }
                defer {
                    ticker.cancel()
                    hub.unsubscribe(key, id: subscription.id)
                }
                try await writer.write(ByteBuffer(string: ": stream of \(banner)\n\n"))
                // Subscribed first, then checked: what finished before we subscribed still ends the stream.
                if let (isFinal, encoded) = try? await summary(), isFinal {
                    try await writer.write(Self.sse(.end, encoded))
                    try await writer.finish(nil)
                    return
                }
                var unreachableSince: Date?
                for await (seq, item) in subscription.stream {
                    var (event, finished) = await render(item)
                    if var event {
                        if seq > 0 {
                            var numbered = ByteBuffer(string: "id: \(instance).\(seq)\n")
                            numbered.writeImmutableBuffer(event)
                            event = numbered
                        }
                        try await writer.write(event)
                    }
                    if case .tick = item {
                        do {
                            guard let state = try await summary() else { break }
                            finished = state.isFinal
                            if let since = unreachableSince {
                                try await writer.write(ByteBuffer(string: ": database reachable again (unreachable since \(WireCoding.formatDate(since)))\n\n"))
                                unreachableSince = nil
                            }
                        } catch {
                            // Keep the client's stream open through a database restart; it learns the outcome when the database is back.
                            let since = unreachableSince ?? Date()
                            unreachableSince = since
                            try await writer.write(ByteBuffer(string: ": waiting: database unreachable since \(WireCoding.formatDate(since))\n\n"))
                        }
                    }
                    if finished {
                        if let (_, encoded) = try? await summary() { try await writer.write(Self.sse(.end, encoded)) }
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

/// The nodes of one streamed job, refreshed when output from an unknown node arrives.
final class JobNodes: Sendable {
    private let names = Mutex(Set<String>())
    func contains(_ node: String) -> Bool { names.withLock { $0.contains(node) } }
    func replace(_ new: Set<String>) { names.withLock { $0 = new } }
}
