import CoxswainContainerEngine
import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `POD` (Directord's pod component): one Podman pod operation through the libpod API of the
/// node's engine (or the job's `--socket-path`): start, stop, remove, kill, inspect, play a
/// Kubernetes YAML file on the node, or run a command in a container. An engine that is not
/// Podman is refused before anything is sent; names are checked once templates are rendered.
struct PodVerb: DirectordVerb {
    static let verbs: [Verb] = [.pod]
    let engine: NodeEngine

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .pod(var pod) = call else { return call }
        switch pod.action {
        case .start(let name): pod.action = .start(pod: try await templates.render(name))
        case .stop(let name): pod.action = .stop(pod: try await templates.render(name))
        case .remove(let name, let force): pod.action = .remove(pod: try await templates.render(name), force: force)
        case .kill(let name, let signal): pod.action = .kill(pod: try await templates.render(name), signal: try await templates.render(signal))
        case .inspect(let name): pod.action = .inspect(pod: try await templates.render(name))
        case .play(let file, let tlsVerify): pod.action = .play(file: try await templates.render(file), tlsVerify: tlsVerify)
        case .execRun(let container, let command, let environment, let privileged):
            var words: [String] = []
            for word in command { words.append(try await templates.render(word)) }
            var assignments: [String] = []
            for assignment in environment { assignments.append(try await templates.render(assignment)) }
            pod.action = .execRun(container: try await templates.render(container), command: words, environment: assignments, privileged: privileged)
        }
        if let socket = pod.socketPath { pod.socketPath = try await templates.render(socket) }
        return .pod(pod)
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .pod(let pod) = call else { return .unsupported(task.verb) }
        // Checked again once rendered: nothing unchecked reaches an engine URL.
        if let problem = Self.problem(pod) { return VerbOutcome(status: .failed, error: "POD: \(problem)") }
        let client: ContainerEngine
        switch engine.engine(socketPath: pod.socketPath) {
        case .success(let found): client = found
        case .failure(let problem): return .noEngine(.pod, problem)
        }
        let timeout = Duration.clampedSeconds(task.timeoutSeconds)
        do {
            let credentials = try RegistryCredentials.fromTaskEnvironment(task.environment)
            try await client.requireLibpod(for: "POD")
            return try await run(pod.action, on: client, credentials: credentials, timeout: timeout, context: context)
        } catch let error as ContainerEngineError {
            return .engineFailure(.pod, error)
        }
    }

    private func run(
        _ action: PodCall.Action, on engine: ContainerEngine, credentials: RegistryCredentials?, timeout: Duration, context: VerbContext
    ) async throws -> VerbOutcome {
        switch action {
        case .start(let name):
            let change = try await engine.startPod(name, timeout: timeout)
            return Self.text(change == .unchanged ? "pod \(name) is already running" : "pod \(name) started")
        case .stop(let name):
            let change = try await engine.stopPod(name, timeout: timeout)
            return Self.text(change == .unchanged ? "pod \(name) is not running" : "pod \(name) stopped")
        case .remove(let name, let force):
            let id = try await engine.removePod(name, force: force, timeout: timeout)
            return Self.text("pod \(name) removed (\(id))")
        case .kill(let name, let signal):
            let normalized = PodCall.normalizedSignal(signal) ?? signal
            try await engine.killPod(name, signal: normalized)
            return Self.text("pod \(name) sent \(normalized)")
        case .inspect(let name):
            return try Self.json(try await engine.inspectPod(name))
        case .play(let file, let tlsVerify):
            let path = NSString(string: file).expandingTildeInPath
            guard let data = FileManager.default.contents(atPath: path) else {
                return VerbOutcome(status: .failed, error: "POD: cannot read the pod file \(path) on this node")
            }
            guard let yaml = String(data: data, encoding: .utf8) else {
                return VerbOutcome(status: .failed, error: "POD: the pod file \(path) is not UTF-8 text")
            }
            // Directord sent tlsVerify only when asked not to verify; the engine's registries.conf decides otherwise.
            let report = try await engine.playKube(yaml, tlsVerify: tlsVerify ? nil : false, credentials: credentials, timeout: timeout)
            var outcome = try Self.json(report)
            let errors = report.pods.flatMap(\.containerErrors)
            if !errors.isEmpty {
                outcome.status = .failed
                outcome.exitCode = nil
                outcome.error = "POD: \(errors.count) container(s) of \(path) failed to start: \(errors.joined(separator: "; "))"
            }
            return outcome
        case .execRun(let container, let command, let assignments, let privileged):
            var environment: [String: String] = [:]
            for assignment in assignments {
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                environment[parts.first ?? ""] = parts.count > 1 ? parts[1] : ""
            }
            let result = try await engine.exec(container, command: command, environment: environment, privileged: privileged, timeout: timeout)
            if !result.stdout.isEmpty { context.emit(.stdout, result.stdout) }
            if !result.stderr.isEmpty { context.emit(.stderr, result.stderr) }
            let code = Int32(clamping: result.exitCode)
            return VerbOutcome(
                status: code == 0 ? .succeeded : .failed, exitCode: code, stdout: result.stdout, stderr: result.stderr,
                error: code == 0 ? nil : "exit code \(code)")
        }
    }

    /// Why a rendered call cannot be sent, or `nil`.
    static func problem(_ pod: PodCall) -> String? {
        if let socket = pod.socketPath, !socket.hasPrefix("/") { return "--socket-path '\(socket)' must be an absolute path" }
        switch pod.action {
        case .start(let name), .stop(let name), .remove(let name, _), .inspect(let name):
            return PodCall.isValidName(name) ? nil : "'\(name)' is not a pod name ([A-Za-z0-9][A-Za-z0-9_.-]*)"
        case .kill(let name, let signal):
            if !PodCall.isValidName(name) { return "'\(name)' is not a pod name ([A-Za-z0-9][A-Za-z0-9_.-]*)" }
            return PodCall.normalizedSignal(signal) == nil ? "--kill-signal '\(signal)' is not a signal" : nil
        case .play(let file, _):
            return file.trimmingCharacters(in: .whitespaces).isEmpty ? "--play needs a FILE" : nil
        case .execRun(let container, let command, let environment, _):
            if !PodCall.isValidName(container) { return "'\(container)' is not a container name ([A-Za-z0-9][A-Za-z0-9_.-]*)" }
            if command.isEmpty { return "--exec-run needs --command WORD…" }
            if let bad = environment.first(where: { !PodCall.isEnvironmentAssignment($0) }) { return "--env '\(bad)' is not KEY=VALUE" }
            return nil
        }
    }

    private static func text(_ line: String) -> VerbOutcome { VerbOutcome(status: .succeeded, exitCode: 0, stdout: line + "\n") }

    private static func json(_ value: some Encodable) throws -> VerbOutcome { try VerbOutcome.json(value) }
}
