import CoxswainContainerEngine
import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `CONTAINER_IMAGE` (Directord's container_image component): pull, push, tag, list or inspect
/// images on the node's engine (or the job's `--socket-path`). Pulls and pushes stream their
/// progress and use the credentials of the task's secret `COXSWAIN_REGISTRY_AUTH` for images of
/// that registry (anonymous otherwise); `--no-tlsverify` goes through Podman's libpod API. Every
/// reference is checked before the first call, so a bad one touches nothing.
struct ContainerImageVerb: DirectordVerb {
    static let verbs: [Verb] = [.containerImage]
    let engine: NodeEngine

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .containerImage(var image) = call else { return call }
        var rendered: [String] = []
        for reference in image.images { rendered.append(try await templates.render(reference)) }
        image.images = rendered
        if let socket = image.socketPath { image.socketPath = try await templates.render(socket) }
        return .containerImage(image)
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .containerImage(let image) = call else { return .unsupported(task.verb) }
        if let socket = image.socketPath, !socket.hasPrefix("/") {
            return VerbOutcome(status: .failed, error: "CONTAINER_IMAGE: --socket-path '\(socket)' must be an absolute path")
        }
        let client: ContainerEngine
        switch engine.engine(socketPath: image.socketPath) {
        case .success(let found): client = found
        case .failure(let problem): return .noEngine(.containerImage, problem)
        }
        let timeout = Duration.clampedSeconds(task.timeoutSeconds)
        var done: [String] = []
        do {
            let credentials = try RegistryCredentials.fromTaskEnvironment(task.environment)
            switch image.action {
            case .list:
                let images = try await client.listImages().map(Listed.init)
                return try VerbOutcome.json(images.sorted { ($0.RepoTags.first ?? $0.Id) < ($1.RepoTags.first ?? $1.Id) })
            case .inspect:
                var details: [ImageDetails] = []
                for name in image.images { details.append(try await client.inspectImage(try Self.source(name))) }
                // One image: its document; several: a list (as Directord answered).
                if details.count == 1, let only = details.first { return try VerbOutcome.json(only) }
                return try VerbOutcome.json(details)
            case .tag:
                guard image.images.count == 2, let source = image.images.first, let target = image.images.last else {
                    return VerbOutcome(status: .failed, error: "CONTAINER_IMAGE: --tag needs IMAGE and NEW")
                }
                let reference = try ImageReference(parsing: target)
                try await client.tagImage(try Self.source(source), as: reference)
                return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "tagged \(source) as \(reference)\n")
            case .pull, .push:
                let references = try image.images.map { try ImageReference(parsing: $0) }
                if !image.tlsVerify { try await client.requireLibpod(for: "CONTAINER_IMAGE --no-tlsverify") }
                for reference in references {
                    let matching = credentials.flatMap { Self.credentials($0, for: reference) }
                    let progress =
                        switch (image.action, image.tlsVerify) {
                        case (.pull, true): client.pullProgress(reference, credentials: matching, timeout: timeout)
                        case (.pull, false): client.libpodPullProgress(reference, credentials: matching, tlsVerify: false, timeout: timeout)
                        case (_, true): client.pushProgress(reference, credentials: matching, timeout: timeout)
                        case (_, false): client.libpodPushProgress(reference, credentials: matching, tlsVerify: false, timeout: timeout)
                        }
                    try await TransferProgress.follow(progress, context: context)
                    done.append("\(image.action == .pull ? "pulled" : "pushed") \(reference)")
                }
                return VerbOutcome(status: .succeeded, exitCode: 0, stdout: done.map { $0 + "\n" }.joined())
            }
        } catch let error as ContainerEngineError {
            return .engineFailure(.containerImage, error, stdout: done.map { $0 + "\n" }.joined())
        }
    }

    /// The credentials for `reference`: only for the registry they were given for (an image of
    /// another registry is pulled anonymously, so no password reaches a registry it is not for).
    static func credentials(_ credentials: RegistryCredentials, for reference: ImageReference) -> RegistryCredentials? {
        let registry = (reference.registry ?? "docker.io").lowercased()
        let given = credentials.serverAddress.lowercased()
        let dockerHub: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]
        return registry == given || (dockerHub.contains(registry) && dockerHub.contains(given)) ? credentials : nil
    }

    /// An image to tag or inspect: a reference, or an image ID (`sha256:…` or 12 to 64 hex digits).
    static func source(_ name: String) throws(ContainerEngineError) -> String {
        let hex = name.hasPrefix("sha256:") ? String(name.dropFirst(7)) : name
        if (12...64).contains(hex.utf8.count), hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) { return name }
        return try ImageReference(parsing: name).description
    }

    /// One image of `--list`, with the Engine API's field names (as Directord printed them).
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct Listed: Encodable {
        let Id: String
        let RepoTags: [String]
        let RepoDigests: [String]
        let Created: Int64?
        let Size: Int64?

        init(_ image: ImageSummary) {
            (Id, RepoTags, RepoDigests, Created, Size) = (image.id, image.repoTags, image.repoDigests, image.created, image.size)
        }
    }
}
