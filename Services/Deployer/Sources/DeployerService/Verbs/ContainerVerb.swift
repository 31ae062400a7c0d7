import CoxswainContainerEngine
import CoxswainCore
import Foundation

/// `CONTAINER`: one container operation (`ContainerOperation`, JSON in the task's arguments) on
/// the node's Docker-compatible engine. Answers are JSON on stdout (one document) for the CLI to
/// render; `logs` also streams its lines live, and `image-pull` its progress. Not a pipeline verb:
/// no options grammar, no templates, never cached.
struct ContainerVerb: VerbHandler {
    let verbs: [Verb] = [.container]
    let engine: NodeEngine

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let operation: ContainerOperation
        do {
            operation = try JSONDecoder().decode(ContainerOperation.self, from: Data(task.arguments.utf8))
        } catch {
            return VerbOutcome(status: .failed, error: "CONTAINER: the operation is not valid JSON: \(error)")
        }
        // Checked again here: the node trusts no shape it did not check itself.
        if let problem = operation.problem { return VerbOutcome(status: .failed, error: "CONTAINER: \(problem)") }
        let client: ContainerEngine
        switch engine.client {
        case .success(let found): client = found
        case .failure(let problem): return VerbOutcome(status: .failed, error: "no container engine on this node: \(problem)")
        }
        do {
            let credentials = try RegistryCredentials.fromTaskEnvironment(task.environment)
            return try await run(operation, on: client, credentials: credentials, timeout: .clampedSeconds(task.timeoutSeconds), context: context)
        } catch let error as ContainerEngineError {
            return VerbOutcome(status: .failed, error: error.description)
        }
    }

    private func run(
        _ op: ContainerOperation, on engine: ContainerEngine, credentials: RegistryCredentials?, timeout: Duration, context: VerbContext
    ) async throws -> VerbOutcome {
        switch op.action {
        case .list:
            var options = ContainerListOptions(all: op.all ?? false)
            if let prefix = op.prefix { options.labels = ContainerLabels.prefixFilter(prefix) }
            let containers = try await engine.listContainers(options).map(Self.info)
            return try Self.answer(containers.sorted { $0.name < $1.name })
        case .inspect:
            return try Self.answer(Self.details(try await engine.inspectContainer(op.container ?? "")))
        case .logs:
            let options = ContainerLogOptions(tail: op.tail, since: op.sinceSeconds.map { Int64(Date().timeIntervalSince1970) - Int64($0) })
            if op.follow == true {
                // Live: every chunk goes out as it comes, until the container stops or the task's timeout.
                var kept = ""
                for try await chunk in engine.followLogs(op.container ?? "", options: options) {
                    context.emit(chunk.stream == .stderr ? .stderr : .stdout, chunk.text)
                    if kept.utf8.count < context.outputLimit { kept += chunk.text }
                }
                return VerbOutcome(status: .succeeded, exitCode: 0, stdout: kept)
            }
            let chunks = try await engine.logs(op.container ?? "", options: options)
            let stdout = chunks.filter { $0.stream != .stderr }.map(\.text).joined()
            let stderr = chunks.filter { $0.stream == .stderr }.map(\.text).joined()
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: stdout, stderr: stderr)
        case .start:
            try await engine.startContainer(op.container ?? "")
            return try Self.answer(["started": op.container ?? ""])
        case .stop:
            try await engine.stopContainer(op.container ?? "", timeout: .seconds(op.timeSeconds ?? 10))
            return try Self.answer(["stopped": op.container ?? ""])
        case .restart:
            try await engine.restartContainer(op.container ?? "", timeout: .seconds(op.timeSeconds ?? 10))
            return try Self.answer(["restarted": op.container ?? ""])
        case .remove:
            if let prefix = op.prefix {
                let removed = try await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix))
                return try Self.answer(["removed": removed])
            }
            try await engine.removeContainer(op.container ?? "", force: op.force ?? false)
            return try Self.answer(["removed": [op.container ?? ""]])
        case .imageList:
            let images = try await engine.listImages().map { image in
                [
                    "id": image.id, "tags": image.repoTags.joined(separator: ","), "size": image.size.map(String.init) ?? "",
                    "created": image.created.map(String.init) ?? "",
                ]
            }
            return try Self.answer(images)
        case .imagePull:
            let reference = try ImageReference(parsing: op.image ?? "")
            try await Self.pull(reference, engine: engine, credentials: credentials, timeout: timeout, context: context)
            return try Self.answer(["pulled": "\(reference)"])
        case .run:
            return try await runContainer(op, on: engine, credentials: credentials, timeout: timeout, context: context)
        case .imageRemove:
            return try Self.answer(["removed": try await engine.removeImage(op.image ?? "", force: op.force ?? false)])
        case .imagePrune:
            let result = try await engine.pruneImages()
            return try Self.answer(["deleted": result.removed, "reclaimedBytes": [String(result.spaceReclaimed)]])
        case .networkList:
            return try Self.answer(try await engine.listNetworks().map { ["name": $0.name, "id": $0.id, "driver": $0.driver ?? ""] })
        case .volumeList:
            return try Self.answer(try await engine.listVolumes().map { ["name": $0.name, "driver": $0.driver ?? "", "mountpoint": $0.mountpoint ?? ""] })
        }
    }

    /// Pulls with progress streamed on `channel`, not silent: one line per status change of a layer.
    /// A reference pinned to a digest is pulled by its digest and then given its tag too (a pull by
    /// digest tags nothing), so that the node's image list shows what the deployment asked for.
    static func pull(
        _ reference: ImageReference, engine: ContainerEngine, credentials: RegistryCredentials?, timeout: Duration, context: VerbContext,
        channel: OutputChunk.Channel = .stdout
    ) async throws {
        var lastStatus = ""
        for try await line in engine.pullProgress(reference, credentials: credentials, timeout: timeout) {
            let text = [line.id, line.status, line.progress].compactMap { $0 }.joined(separator: " ")
            if !text.isEmpty, text != lastStatus {
                context.emit(channel, text + "\n")
                lastStatus = text
            }
        }
        if let digest = reference.digest, let tag = reference.tag {
            try? await engine.tagImage("\(reference.name)@\(digest)", as: try reference.withTag(tag))
        }
    }

    /// `run`: pull, create `<prefix>-<name>` with Coxswain's labels (so `list --prefix` and
    /// `remove --prefix` find it) and start it. An existing container of that name is an error,
    /// not replaced: replacing is what deployments do.
    private func runContainer(
        _ op: ContainerOperation, on engine: ContainerEngine, credentials: RegistryCredentials?, timeout: Duration, context: VerbContext
    ) async throws -> VerbOutcome {
        let reference = try ImageReference(parsing: op.image ?? "")
        let name = try ContainerNaming.containerName(prefix: op.prefix ?? "", name: op.name ?? "")
        try await Self.pull(reference, engine: engine, credentials: credentials, timeout: timeout, context: context)
        var spec = ContainerSpec(image: reference.description, name: name)
        spec.labels = ContainerLabels.managedLabels(team: op.team ?? "", prefix: op.prefix ?? "", deployment: "run", configDigest: "run")
        spec.initProcess = true
        for text in op.ports ?? [] {
            guard let port = PublishedPort(parsing: text) else {
                return VerbOutcome(status: .failed, error: "run: '\(text)' is not [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]")
            }
            let container = ContainerSpec.ContainerPort(port.containerPort, port.proto == "udp" ? .udp : .tcp)
            spec.portBindings.append(.init(container: container, hostIP: port.hostIP, hostPort: port.hostPort))
            spec.exposedPorts.append(container)
        }
        let id = try await engine.createContainer(spec)
        do {
            try await engine.startContainer(id)
        } catch {
            // Nothing half-created stays behind: a container that cannot start is removed.
            try? await engine.removeContainer(id, force: true)
            throw error
        }
        return try Self.answer(["started": name, "id": String(id.prefix(12)), "image": reference.description])
    }

    /// A succeeded outcome whose stdout is `value` as one JSON document.
    static func answer(_ value: some Encodable) throws -> VerbOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    static func info(_ c: ContainerSummary) -> ContainerInfo {
        let ports = c.ports.map { p in
            let published = p.publicPort.map { "\(p.ip.map { "\($0):" } ?? "")\($0)->" } ?? ""
            return "\(published)\(p.privatePort)/\(p.type ?? "tcp")"
        }
        let name = c.name.hasPrefix("/") ? String(c.name.dropFirst()) : c.name
        return ContainerInfo(id: c.id, name: name, image: c.image, state: c.state, status: c.status, ports: ports, labels: c.labels, created: c.created)
    }

    /// What `inspect` shows: the state, the configuration and the published ports.
    struct Details: Encodable {
        var id, name, image, status: String
        var running: Bool
        var exitCode: Int64
        var restartCount: Int64
        var health: String?
        var startedAt, finishedAt: String?
        var labels: [String: String]
        var env: [String]
        var cmd: [String]
        var ports: [String: [String]]
    }

    static func details(_ d: ContainerDetails) -> Details {
        Details(
            id: d.id, name: d.name.hasPrefix("/") ? String(d.name.dropFirst()) : d.name, image: d.config.image, status: d.state.status,
            running: d.state.running, exitCode: d.state.exitCode, restartCount: d.restartCount, health: d.state.health,
            startedAt: d.state.startedAt, finishedAt: d.state.finishedAt, labels: d.config.labels,
            // Environment values may be secrets: names only.
            env: d.config.env.map { String($0.prefix { $0 != "=" }) }, cmd: d.config.cmd,
            ports: d.ports.mapValues { $0.map { "\($0.hostIP ?? ""):\($0.hostPort ?? "")" } }
        )
    }
}
