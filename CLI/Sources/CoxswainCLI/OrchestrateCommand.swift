import ArgumentParser
import CoxswainCore
import CoxswainCrypto
import CoxswainOrchestration
import Foundation

/// `coxswain orchestrate FILE…`: Directord orchestration files, unmodified. Each block is one job
/// whose steps run in order on each node (a failure skips the rest of the block on that node);
/// blocks run in order (the Scheduler plans a block when the one before it has finished) unless
/// `async: true` or `--force-async`.
package struct OrchestrateCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "orchestrate",
        abstract: "Run Directord orchestration files (YAML lists of blocks of jobs).",
        discussion: """
            Examples:
              coxswain orchestrate site.yaml --wait --check
              coxswain orchestrate site.yaml --finger-print          # the job fingerprints; submits nothing
              coxswain orchestrate site.yaml --restrict 3f2a9c1b --target web-1 --stream
            """
    )

    @Argument(help: "Orchestration files, run in the order given.") var files: [String]
    @OptionGroup(title: "Targets (--target replaces the files' targets; selectors narrow every block)") var targeting: TargetOptions
    @Option(name: .long, help: "Run only the jobs with these fingerprints (a prefix is enough; repeatable).") var restrict: [String] = []
    @Flag(help: "Run every job even if it succeeded on a node before.") var ignoreCache = false
    @Flag(help: "Run every block beside the others.") var forceAsync = false
    @Flag(help: "Wait, printing each node's outcome as it arrives.") var poll = false
    @Flag(help: "Wait for every block, then print its outcome per node.") var wait = false
    @Flag(help: "Stream live output, prefixed by node.") var stream = false
    @Flag(help: "Print the table of block and job fingerprints; submit nothing.") var fingerPrint = false
    @Flag(help: "Exit with code 1 if any task failed, listing the failed jobs (waits like --wait unless --poll or --stream).") var check = false
    @OptionGroup var global: GlobalOptions

    package init() {}

    package func validate() throws {
        guard [poll, wait, stream, fingerPrint].filter({ $0 }).count <= 1 else {
            throw ValidationError("use only one of --poll, --wait, --stream, --finger-print")
        }
        if targeting.listNodes, poll || wait || stream || check || fingerPrint {
            throw ValidationError("--list-nodes submits nothing: drop --poll, --wait, --stream, --check and --finger-print")
        }
        _ = try targeting.selector()
    }

    /// A job's fingerprint as listed by `--finger-print` and matched by `--restrict`: its verb,
    /// argument string and vars (the node adds the rendered inputs to its own cache fingerprint).
    static func fingerprint(_ job: ParsedJob, artifacts: [ArtifactRef] = []) -> String {
        let vars = job.vars.isEmpty ? nil : (try? JSONEncoder.sorted.encode(job.vars)).map { String(decoding: $0, as: UTF8.self) }
        return JobFingerprint.of(verb: job.verb, arguments: job.arguments, varsJSON: vars, artifacts: artifacts)
    }

    package func run() async throws {
        var blocks: [ParsedBlock] = []
        for file in files {
            do {
                blocks += try OrchestrationParser.parse(fileAt: file)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\nnothing was submitted\n".utf8))
                throw ExitCode(2)
            }
        }
        let helps = blocks.flatMap(\.jobs).compactMap { job -> String? in
            if case .execHelp(let verb) = job.call { return verb }
            return nil
        }
        if !helps.isEmpty {
            // Like Directord: a job with --exec-help prints the verb's help and nothing is submitted.
            for verb in helps { print(VerbParser.help(verb: verb)) }
            return
        }
        // ADD/COPY sources: globbed and hashed now (a missing file stops everything before submission).
        var files: [[[(path: String, ref: ArtifactRef)]]] = []
        do {
            files = try blocks.map { block in try block.jobs.map { job in try Artifacts.describe(job.call, at: job.source, relativeTo: nil) } }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\nnothing was submitted\n".utf8))
            throw ExitCode(2)
        }
        if fingerPrint {
            var rows: [[String]] = []
            for (b, block) in blocks.enumerated() {
                for (j, job) in block.jobs.enumerated() {
                    rows.append([
                        "\(b + 1)\(block.name.map { " \($0)" } ?? "")", "\(j + 1)\(job.name.map { " \($0)" } ?? "")", job.verb,
                        Self.fingerprint(job, artifacts: files[b][j].map(\.ref)), Render.firstLine(job.arguments, max: 50),
                    ])
                }
            }
            print(Render.table(["BLOCK", "JOB", "VERB", "FINGERPRINT", "ARGUMENTS"], rows))
            return
        }
        let global = self.global
        let target = targeting.target
        if targeting.listNodes {
            // Each block as it would be submitted: its own targets unless --target replaces them.
            try await global.withClient { client in
                for (b, block) in blocks.enumerated() {
                    var request = SubmitJobRequest(verb: "ECHO", arguments: "", targets: !target.isEmpty ? target : (block.assign ?? block.targets))
                    targeting.apply(to: &request)
                    if !target.isEmpty { request.targets = target }
                    let heading = global.output == .table ? "== block \(b + 1)\(block.name.map { " (\($0))" } ?? "")" : nil
                    try await TargetOptions.preview(MatchNodesRequest(request), client: client, format: global.output, heading: heading)
                }
            }
            return
        }
        let parent = UUID()
        let parentID = parent.uuidString.lowercased()
        // --check waits (as --wait unless --poll or --stream says how).
        let watch = poll || wait || stream || check
        let mode: JobWatcher.Mode = stream ? .stream : (poll ? .poll : .wait)
        let failed = try await global.withClient { client -> [String] in
            try await Artifacts.upload(files.flatMap { $0.flatMap { $0 } }, with: client)
            var previous: JobID?
            var submitted: [(String, JobID)] = []
            for (b, block) in blocks.enumerated() {
                let jobs = block.jobs.enumerated().filter { j, job in
                    restrict.isEmpty || restrict.contains { Self.fingerprint(job, artifacts: files[b][j].map(\.ref)).hasPrefix($0) }
                }
                guard !jobs.isEmpty else { continue }
                let steps = try jobs.map { j, job -> JobStep in
                    var vars = job.vars
                    if ignoreCache { vars["skip_cache"] = .bool(true) }
                    let json = vars.isEmpty ? nil : String(decoding: try JSONEncoder.sorted.encode(vars), as: UTF8.self)
                    var step = JobStep(verb: job.verb, arguments: job.arguments, varsJSON: json, assign: job.assign, name: job.name)
                    let artifacts = files[b][j].map(\.ref)
                    step.artifacts = artifacts.isEmpty ? nil : artifacts
                    step.fingerprint = Self.fingerprint(job, artifacts: artifacts)
                    return step
                }
                let targets = !target.isEmpty ? target : (block.assign ?? block.targets ?? [])
                let isAsync = block.isAsync || forceAsync
                var request = SubmitJobRequest(verb: steps[0].verb, arguments: steps[0].arguments, targets: targets.isEmpty ? nil : targets)
                targeting.apply(to: &request)
                request.targets = targets.isEmpty ? nil : targets
                request.steps = steps
                request.after = isAsync ? nil : previous
                request.name = block.name
                request.parent = parent
                let accepted = try await client.post(APIRoute.submitJob.path, body: request, as: SubmitJobResponse.self)
                if !isAsync { previous = accepted.jobID }
                let label = "block \(b + 1)\(block.name.map { " (\($0))" } ?? "")"
                submitted.append((label, accepted.jobID))
                if !watch, global.output == .table { print("\(label): job \(accepted.jobID)") }
            }
            let jobs = submitted.map { OrchestrationRun.Job(block: $0.0, jobID: $0.1) }
            switch global.output {
            case .table: print("parent \(parentID) (coxswain manage --analyze-parent \(parentID))")
            case .ndjson where !watch: try Render.machine(jobs.map { OrchestrationRun(parent: parentID, jobs: [$0]) }, format: .ndjson)
            case .json, .yaml, .ndjson: if !watch { try Render.machine(OrchestrationRun(parent: parentID, jobs: jobs), format: global.output) }
            }
            guard watch else { return [] }
            var failures: [String] = []
            var details: [JobDetail] = []
            for (label, id) in submitted {
                if global.output == .table { print("== \(label)") }
                var watcher = JobWatcher(client: client, jobID: id, mode: mode, format: global.output, full: global.noTrunc)
                watcher.detachHint = "coxswain manage --job-info \(id) (the whole run: coxswain manage --analyze-parent \(parentID))"
                watcher.printResult = global.output == .table || global.output == .ndjson
                let detail = try await watcher.run()
                details.append(detail)
                let failedTasks = detail.tasks.filter { TaskOutcome($0).isFailure }
                for task in failedTasks {
                    let step = JobTally(detail).stepsPerNode > 1 ? " step \(Render.stepLabel(task))" : ""
                    failures.append("\(label) on \(task.node)\(step): \(task.status.rawValue)\(task.error.map { " (\($0))" } ?? "")")
                }
                if failedTasks.isEmpty, detail.job.status != .succeeded {
                    failures.append("\(label): \(detail.job.status.rawValue)\(detail.job.error.map { " (\($0))" } ?? "")")
                }
            }
            if global.output == .json || global.output == .yaml {
                try Render.machine(OrchestrationRun(parent: parentID, jobs: jobs, results: details), format: global.output)
            }
            return failures
        }
        if check, !failed.isEmpty {
            FileHandle.standardError.write(Data(("failed:\n" + failed.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

/// What `orchestrate --output json|yaml` prints: the run's parent id and each block's job
/// (with `--wait`, each finished job too), one document.
struct OrchestrationRun: Codable, Sendable {
    struct Job: Codable, Sendable {
        var block: String
        var jobID: JobID
    }

    var parent: String
    var jobs: [Job]
    var results: [JobDetail]?
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
