import ArgumentParser
import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `coxswain exec`: run one verb on nodes (Directord's `exec`).
package struct ExecCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one verb on nodes.",
        discussion: """
            Verbs: \(Verb.allCases.map(\.summary).joined(separator: "; ")).
            Without --poll, --wait or --stream the job id is printed and the command returns at once.
            Examples:
              coxswain exec --verb RUN 'uname -a' --wait
              coxswain exec --verb RUN 'echo hi' --target node-a --stream
              coxswain exec --verb ECHO hello --poll --check
            """
    )

    @Option(help: "The verb: \(Verb.allCases.map(\.rawValue).joined(separator: ", ")).")
    var verb: String

    @Argument(help: "The verb's arguments (quote a command: 'uname -a').")
    var arguments: [String] = []

    @Option(name: .long, help: "A target node (repeatable). Default: every online node.")
    var target: [String] = []

    @Option(name: .long, help: "Only nodes with this label k=v (repeatable: all must match).")
    var targetLabel: [String] = []

    @Option(help: "Batch mode: at most N nodes (10) or a share of them (25%) at a time, sliding.")
    var batch: String?

    @Option(help: "Seconds before the task is killed on the node (default 600).")
    var timeout: Double?

    @Option(
        name: .customLong("secret-env"),
        help: "Pass the secret environment variable NAME (its value is read from your environment, never from the command line); repeatable.")
    var secretEnv: [String] = []

    @Flag(help: "Wait for the job, printing each node's outcome as it arrives.") var poll = false
    @Flag(help: "Wait for the job (spinner on a terminal), then print the outcome per node.") var wait = false
    @Flag(help: "Stream live output, prefixed by node, then print the outcome.") var stream = false
    @Flag(help: "Exit with code 1 if any node failed.") var check = false

    @OptionGroup var global: GlobalOptions

    package init() {}

    package func validate() throws {
        guard [poll, wait, stream].filter({ $0 }).count <= 1 else {
            throw ValidationError("use only one of --poll, --wait, --stream")
        }
        guard Verb(parsing: verb) != nil else {
            throw ValidationError("unknown verb '\(verb)'; known verbs: \(Verb.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let batch, SubmitJobRequest.batchWindow(batch, nodes: 100) == nil {
            throw ValidationError("--batch takes a number of nodes (10) or a percentage (25%)")
        }
        if let bad = target.first(where: { !NodeName.isValid($0) }) { throw ValidationError(NodeNameError(name: bad).description) }
    }

    package func run() async throws {
        // Like Directord: --exec-help prints the verb's help and submits nothing.
        if let (call, _) = try? VerbParser.parse(verb: verb, arguments: arguments.joined(separator: " "), at: SourceLocation(file: "exec", block: 1)),
            case .execHelp(let name) = call
        {
            print(VerbParser.help(verb: name))
            return
        }
        var secrets: [String: String] = [:]
        for name in secretEnv {
            guard SubmitJobRequest.isEnvironmentName(name) else { throw ValidationError("--secret-env takes a variable NAME, got '\(name)'") }
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw ValidationError("--secret-env \(name): \(name) is not set in your environment")
            }
            secrets[name] = value
        }
        var labels: [String: String] = [:]
        for l in targetLabel {
            let kv = l.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else { throw ValidationError("--target-label takes k=v, got '\(l)'") }
            labels[kv[0]] = kv[1]
        }
        var request = SubmitJobRequest(
            verb: verb, arguments: arguments.joined(separator: " "), targets: target.isEmpty ? nil : target, timeoutSeconds: timeout,
            secretEnvironment: secrets.isEmpty ? nil : secrets
        )
        request.targetLabels = labels.isEmpty ? nil : labels
        request.batch = batch
        // ADD/COPY: sources relative to the working directory, uploaded as artifacts first.
        var files: [(path: String, ref: ArtifactRef)] = []
        if let parsed = Verb(parsing: verb), parsed == .add || parsed == .copy {
            let cwd = FileManager.default.currentDirectoryPath
            do {
                let (call, _) = try VerbParser.parse(verb: verb, arguments: request.arguments, at: SourceLocation(file: "exec", block: 1), baseDirectory: cwd)
                files = try Artifacts.describe(call, at: nil, relativeTo: cwd)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\nnothing was submitted\n".utf8))
                throw ExitCode(2)
            }
            var step = JobStep(verb: parsed.rawValue, arguments: request.arguments)
            step.artifacts = files.map(\.ref)
            request.steps = [step]
        }
        let watch = poll || wait || stream
        let global = self.global
        let failed = try await global.withClient { [files] client -> Bool in
            try await Artifacts.upload(files, with: client)
            let accepted = try await client.post(APIRoute.submitJob.path, body: request, as: SubmitJobResponse.self)
            guard watch else {
                if global.output == .table { print(accepted.jobID) } else { try Render.machine(accepted, format: global.output) }
                return false
            }
            let watcher = JobWatcher(client: client, jobID: accepted.jobID, mode: stream ? .stream : (poll ? .poll : .wait), format: global.output)
            let detail = try await watcher.run()
            return detail.job.status != .succeeded
        }
        if check, failed { throw ExitCode(1) }
    }
}
