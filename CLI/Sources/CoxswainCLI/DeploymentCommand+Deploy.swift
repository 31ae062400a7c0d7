import ArgumentParser
import CoxswainCore
import Foundation

extension DeploymentCommand {
    /// Whether and how a deploy is followed.
    struct Watching: ParsableArguments {
        @Flag(help: "Wait for the rollout, then print the deployment's final status (exit 1 unless successful).") var wait = false
        @Flag(help: "Print each step of the rollout as the node takes it (HH:MM:SS kind instance: message), then the final status.")
        var stream = false
        @Option(name: .customLong("timeout"), help: "How long the node may take: seconds or 90s, 10m, 1h (default 10m).")
        var timeoutArgument: DurationArgument?
        /// `--timeout` in seconds.
        var timeout: Double? { timeoutArgument?.seconds }

        func validate() throws {
            guard !(wait && stream) else { throw ValidationError("use only one of --wait, --stream") }
            if let timeout, !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be in (0, 86400] seconds") }
        }
    }

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a deployment (members): a first deploy, a redeploy of a rolling one, or a rollback of an obsolete one.",
            discussion: """
                Without --wait or --stream the job's id is printed and the command returns; the rollout goes on. With them the exit \
                code is 0 only when the deployment ends successful. --token TOKEN sends that API token (a deploy token for CI) to the \
                Gateway of --url, COXSWAIN_URL or the saved session, instead of the session.
                Examples:
                  coxswain deployment deploy 3f2a --stream
                  coxswain deployment deploy 3f2a --instance web --wait
                  coxswain --url https://gw:28080 deployment deploy 3f2a9c01-… --token cxd_… --wait
                """)
        @Argument(help: "The deployment id, or a prefix of it only it has.") var id: String
        @Option(name: .customLong("instance"), help: "Deploy only this instance (an image's name; repeatable).") var instances: [String] = []
        @Flag(help: "Deploy even though a protected deployment of another product holds the node and prefix (audited).") var overrideProtection = false
        @OptionGroup var watching: Watching
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            try DeploymentCommand.validateID(id)
            _ = try global.preferringToken()
            if let bad = instances.first(where: { !ContainerOperation.isDNSLabel($0) }) { throw ValidationError("--instance '\(bad)' is not an image name") }
        }
        func run() async throws {
            let request = DeployRequest(
                instances: instances.isEmpty ? nil : instances, overrideProtection: overrideProtection ? true : nil, timeoutSeconds: watching.timeout)
            let global = try self.global.preferringToken()
            let succeeded = try await DeploymentCommand.withDeployment(id, global) { client, full in
                try await DeploymentCommand.deploy(full, request, watching, global, client)
            }
            if !succeeded { throw ExitCode(1) }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll back to an obsolete deployment (members): deploy its frozen configuration again.",
            discussion: "Refused unless the deployment is obsolete (replaced on its node and prefix by a later success); redeploy others with deploy.")
        @Argument(help: "The obsolete deployment's id, or a prefix of it only it has.") var id: String
        @OptionGroup var watching: Watching
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            try DeploymentCommand.validateID(id)
            _ = try global.preferringToken()
        }
        func run() async throws {
            let global = try self.global.preferringToken()
            let succeeded = try await DeploymentCommand.withDeployment(id, global) { client, full -> Bool in
                let deployment = try await client.get(APIRoute.getDeployment.path(id: full), as: DeploymentInfo.self)
                guard deployment.status == .obsolete else {
                    FileHandle.standardError.write(
                        Data(
                            "error: deployment \(full) is \(deployment.status.rawValue), not obsolete: only a deployment a later one replaced can be rolled back to (coxswain deployment deploy redeploys)\nnothing was sent\n"
                                .utf8))
                    throw ExitCode(2)
                }
                return try await DeploymentCommand.deploy(full, DeployRequest(timeoutSeconds: watching.timeout), watching, global, client)
            }
            if !succeeded { throw ExitCode(1) }
        }
    }

    /// Starts a try of deployment `id` and, when asked, follows it to its end. Returns false when
    /// it was followed and did not end successful.
    static func deploy(_ id: String, _ request: DeployRequest, _ watching: Watching, _ global: GlobalOptions, _ client: GatewayClient) async throws -> Bool {
        let started = try await client.post(APIRoute.deploy.path(id: id), body: request, as: DeployResponse.self)
        let what = started.rollback ? "rollback" : "try \(started.tryNumber)"
        guard watching.wait || watching.stream else {
            if global.output == .table {
                print("deployment \(id): \(what) started by job \(started.jobID)")
                print("follow it: coxswain deployment events \(id.prefix(8)); coxswain manage --job-info \(started.jobID)")
            } else {
                try Render.machine(started, format: global.output)
            }
            return true
        }
        if global.output == .table, watching.stream { print("deployment \(id): \(what) started by job \(started.jobID)") }
        let watcher = DeploymentWatcher(
            client: client, deploymentID: id, started: started, stream: watching.stream, format: global.output, timeoutSeconds: watching.timeout ?? 600)
        let (deployment, job) = try await watcher.run()
        guard global.output == .table else {
            try Render.machine(deployment, format: global.output)
            return deployment.status == .successful
        }
        print("deployment \(id) \(deployment.status.rawValue) (\(what), job \(started.jobID)\(job.map { " \($0.job.status.rawValue)" } ?? ""))")
        if deployment.status != .successful {
            let reasons = (job?.tasks.compactMap(\.error) ?? []) + (job?.job.error.map { [$0] } ?? [])
            for reason in reasons { print("error: \(reason)") }
            if !watching.stream {
                // What went wrong on the node, from the recorded events of this try.
                let events = (try? await client.get(APIRoute.deploymentEvents.path(id: id), as: [DeploymentEventRecord].self)) ?? []
                for record in events where record.tryNumber == started.tryNumber && [.failed, .restore].contains(record.event.kind) {
                    print("  \(record.event)")
                }
            }
        }
        return deployment.status == .successful
    }
}

/// Follows the job that carries a deploy to its node, over the job's server-sent events: prints
/// each `DeploymentEvent` of the node's output live with `stream`, then reads the job's outcome
/// and the deployment's final status (set by the Scheduler when it records the task). A deploy
/// token may read its deployment but not the job: then the deployment's recorded events are
/// followed instead, read every second.
struct DeploymentWatcher {
    let client: GatewayClient
    let deploymentID: String
    let started: DeployResponse
    let stream: Bool
    let format: OutputFormat
    /// How long the node may take (the deploy's timeout), after which only the recorded status counts.
    var timeoutSeconds: Double = 600

    /// The deployment once its try ended, and the job's outcome when the credential may read it.
    func run() async throws -> (DeploymentInfo, JobDetail?) {
        let human = format == .table
        let spinner = human && !stream && isatty(STDERR_FILENO) == 1 ? Spinner(label: "deploying \(deploymentID.prefix(8)) (job \(started.jobID))") : nil
        spinner?.start()
        defer { spinner?.stop() }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        let decoder = WireCoding.decoder()
        var lines = DeploymentEventStream()
        let (client, jobID) = (self.client, started.jobID)
        do {
            try await client.follow(
                APIRoute.jobEvents.path(id: "\(jobID)"),
                waitingFor: {
                    guard let job = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self).job else {
                        return "job \(jobID): the gateway does not answer yet (detach with Ctrl-C; the rollout continues)"
                    }
                    return "job \(jobID) is \(job.status.rawValue): \(job.pending) of \(job.nodeCount) task(s) pending"
                }
            ) { event in
                guard stream, human, event.name == StreamEventName.output.rawValue,
                    let chunk = try? decoder.decode(OutputChunk.self, from: Data(event.data)), chunk.channel == .stdout
                else { return }
                for e in lines.append(chunk.text) { print("\(clock.string(from: Date())) \(e)") }
            }
        } catch ClientError.api(let status, _) where status == 401 || status == 403 {
            spinner?.stop()
            return (try await followRecorded(clock: clock), nil)
        }
        if stream, human { for e in lines.finish() { print("\(clock.string(from: Date())) \(e)") } }
        spinner?.stop()
        let detail = try await client.getRetrying(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self)
        let path = APIRoute.getDeployment.path(id: deploymentID)
        var deployment = try await client.getRetrying(path, as: DeploymentInfo.self)
        // The job's end and the status the Scheduler records arrive separately: give it a moment.
        var patience = 30
        while !Self.ended(deployment), patience > 0 {
            try await Task.sleep(for: .milliseconds(500))
            deployment = try await client.getRetrying(path, as: DeploymentInfo.self)
            patience -= 1
        }
        return (deployment, detail)
    }

    /// Reads the deployment and its recorded events of this try until the try ended (or the node's
    /// time is up), printing new events with `stream`.
    func followRecorded(clock: DateFormatter) async throws -> DeploymentInfo {
        GatewayClient.note("this credential cannot follow job \(started.jobID); following the deployment's recorded events instead")
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds + 60)
        var shown = 0
        while true {
            let deployment = try await client.getRetrying(APIRoute.getDeployment.path(id: deploymentID), as: DeploymentInfo.self)
            if stream, format == .table {
                let events = try await client.getRetrying(APIRoute.deploymentEvents.path(id: deploymentID), as: [DeploymentEventRecord].self)
                    .filter { $0.tryNumber == started.tryNumber }
                for record in events.dropFirst(shown) { print("\(clock.string(from: record.time)) \(record.event)") }
                shown = max(shown, events.count)
            }
            if deployment.tries >= started.tryNumber, Self.ended(deployment) || ContinuousClock.now > deadline { return deployment }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Whether the deployment's try is over (its status is no longer being worked on).
    static func ended(_ deployment: DeploymentInfo) -> Bool {
        deployment.status != .inProgress && deployment.status != .preparing
    }
}

/// Cuts a `DEPLOY` task's output, which arrives in chunks, into its `DeploymentEvent`s (one JSON
/// object per line; other lines are skipped).
package struct DeploymentEventStream: Sendable {
    var pending = ""

    package init() {}

    /// The events completed by `text`.
    package mutating func append(_ text: String) -> [DeploymentEvent] {
        pending += text
        guard let lastNewline = pending.lastIndex(of: "\n") else { return [] }
        let complete = String(pending[...lastNewline])
        pending = String(pending[pending.index(after: lastNewline)...])
        return DeploymentEventLines.parse(complete)
    }

    /// The event of a last line without a newline, if any.
    package mutating func finish() -> [DeploymentEvent] {
        defer { pending = "" }
        return DeploymentEventLines.parse(pending)
    }
}

extension GlobalOptions {
    /// With `--token` but no `--url` or `--socket`: the same Gateway as the saved session (or
    /// `COXSWAIN_URL`) over HTTP with that token instead of the session — how CI deploys with a
    /// deploy token. Otherwise unchanged.
    func preferringToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GlobalOptions {
        guard token != nil, url == nil else { return self }
        if socket != nil { throw ValidationError("--token is sent over HTTP: give --url instead of --socket") }
        if let base = environment["COXSWAIN_URL"], !base.isEmpty { return self }
        guard let saved = SavedSession.load(environment: environment) else {
            throw ValidationError("--token needs the Gateway's address: --url, COXSWAIN_URL, or a session saved by coxswain login")
        }
        var changed = self
        changed.url = saved.url
        return changed
    }
}
