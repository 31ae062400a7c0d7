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
            Verbs (`--exec-help` prints one verb's options):
            \(Verb.allCases.map { "  " + $0.summary }.joined(separator: "\n"))
            Without --poll, --wait, --stream or --check the job id is printed and the command returns at once.
            The verb's arguments are one word: quote a command ('echo a b'); Directord's job flags go inside
            the quotes, before the command ('--skip-cache sleep 60').
            Examples:
              coxswain exec --verb RUN 'uname -a' --wait
              coxswain exec --verb RUN 'echo hi' --target node-a --stream
              coxswain exec --verb ECHO hello --poll --check
              coxswain exec --verb RUN uptime --target-label 'dc in (eu1,eu2)' --list-nodes
            """
    )

    @Option(help: "The verb: \(Verb.allCases.map(\.rawValue).joined(separator: ", ")).")
    var verb: String

    @Argument(help: "The verb's arguments (quote a command: 'uname -a').")
    var arguments: [String] = []

    /// The targeting flags (names, globs, selectors, `--list-nodes`).
    @OptionGroup(title: "Targets (default: every online node)") package var targeting: TargetOptions

    @Option(help: "Batch mode: at most N nodes (10) or a share of them (25%) at a time, sliding.")
    var batch: String?

    @Flag(help: "Batch mode: once a task failed, start no further node (the rest end skipped).")
    var failFast = false

    @Option(help: "Batch mode: how long a finished node's slot stays empty before the next node starts (30, 30s, 2m; at most 1h).")
    var batchWait: String?

    @Option(help: "How long before the task is killed on the node: seconds or 90s, 10m, 2h (default 10m).")
    var timeout: DurationArgument?

    @Option(
        name: .customLong("secret-env"),
        help: "Pass the secret environment variable NAME (its value is read from your environment, never from the command line); repeatable.")
    var secretEnv: [String] = []

    @Flag(help: "Wait for the job, printing each node's outcome as it arrives.") var poll = false
    @Flag(help: "Wait for the job (spinner on a terminal), then print the outcome per node.") var wait = false
    @Flag(help: "Stream live output, prefixed by node, then print the outcome.") var stream = false
    @Flag(help: "Exit with code 1 if any node failed (waits like --wait unless --poll or --stream).") var check = false

    @OptionGroup var global: GlobalOptions

    package init() {}

    package func validate() throws {
        guard [poll, wait, stream].filter({ $0 }).count <= 1 else {
            throw ValidationError("use only one of --poll, --wait, --stream")
        }
        guard Verb(parsing: verb) != nil else {
            throw ValidationError("unknown verb '\(verb)'; known verbs: \(Verb.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try Self.checkArguments(arguments, verb: verb)
        if let timeout, !(timeout.seconds > 0 && timeout.seconds <= SubmitJobRequest.maximumTimeoutSeconds) {
            throw ValidationError("--timeout must be more than 0 and at most 7d")
        }
        if let batch, SubmitJobRequest.batchWindow(batch, nodes: 100) == nil {
            throw ValidationError("--batch takes a number of nodes (10) or a percentage (25%)")
        }
        if let batchWait, !(DurationArgument(argument: batchWait).map { $0.seconds <= SubmitJobRequest.maximumBatchWaitSeconds } ?? false) {
            throw ValidationError("--batch-wait takes seconds from 0 to \(Int(SubmitJobRequest.maximumBatchWaitSeconds)) (or 30s, 2m, 1h)")
        }
        if batch == nil, failFast || batchWait != nil { throw ValidationError("\(failFast ? "--fail-fast" : "--batch-wait") goes with --batch") }
        if targeting.listNodes, poll || wait || stream || check {
            throw ValidationError("--list-nodes submits nothing: drop --poll, --wait, --stream and --check")
        }
        _ = try targeting.selector()
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
        var request = SubmitJobRequest(
            verb: verb, arguments: arguments.joined(separator: " "), timeoutSeconds: timeout?.seconds, secretEnvironment: secrets.isEmpty ? nil : secrets)
        targeting.apply(to: &request)
        request.batch = batch
        request.batchFailFast = failFast ? true : nil
        request.batchWaitSeconds = batchWait.flatMap(DurationArgument.init(argument:))?.seconds
        if targeting.listNodes {
            let global = self.global
            try await global.withClient { client in try await TargetOptions.preview(MatchNodesRequest(request), client: client, format: global.output) }
            return
        }
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
        // --check waits (as --wait unless --poll or --stream says how).
        let watch = poll || wait || stream || check
        let global = self.global
        let failed = try await global.withClient { [files] client -> Bool in
            try await Artifacts.upload(files, with: client)
            let accepted = try await client.post(APIRoute.submitJob.path, body: request, as: SubmitJobResponse.self)
            guard watch else {
                if global.output == .table { print(accepted.jobID) } else { try Render.machine(accepted, format: global.output) }
                return false
            }
            let watcher = JobWatcher(
                client: client, jobID: accepted.jobID, mode: stream ? .stream : (poll ? .poll : .wait), format: global.output, full: global.noTrunc)
            let detail = try await watcher.run()
            return detail.job.status != .succeeded
        }
        if check, failed { throw ExitCode(1) }
    }

    /// Refuses arguments that would not run what was meant: words after the command (a second
    /// command, or a Directord job flag that would be appended to it, `'sleep 60' --skip-cache`).
    /// The verb's arguments are one word, optionally after Directord's job flags
    /// (`--skip-cache 'sleep 60'`, or inside the quotes: `'--skip-cache sleep 60'`).
    package static func checkArguments(_ words: [String], verb: String) throws {
        let flags = ArgumentOrder.directordFlags
        guard let command = words.firstIndex(where: { !flags.contains($0) }) else { return }
        let after = words[(command + 1)...]
        let quoted = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        if let flag = after.first(where: { flags.contains($0) }) {
            let leading = words[..<command] + after.filter { flags.contains($0) }
            let fixed = (leading + [words[command]]).joined(separator: " ")
            throw ValidationError(
                "\(flag) after the command would become part of it; Directord's job flags go before the command, inside its quotes: "
                    + "coxswain exec --verb \(verb) \(quoted(fixed))")
        }
        if !after.isEmpty {
            let all = words[command...].map(quoted).joined(separator: " ")
            throw ValidationError(
                "exec takes the verb's arguments as one word, got \(after.count + 1): \(all); quote them together "
                    + "(coxswain exec --verb \(verb) \(quoted(words[command...].joined(separator: " ")))) or run each command on its own")
        }
    }
}
