import ArgumentParser
import CoxswainCore
import CoxswainOrchestration
import Foundation
import Yams

/// `coxswain manage`: inspect nodes and jobs (Directord's `manage`).
package struct ManageCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "manage",
        abstract: "Inspect nodes and jobs.",
        discussion: """
            Examples:
              coxswain manage --list-nodes
              coxswain manage --list-jobs --filter failed
              coxswain manage --job-info last
            """
    )

    /// `--filter` values, Directord's names.
    enum JobFilter: String, ExpressibleByArgument, CaseIterable {
        case success, failed, processing

        var statuses: String {
            switch self {
            case .success: "succeeded"
            case .failed: "failed"
            case .processing: "submitted,dispatched"
            }
        }
    }

    @Flag(help: "List nodes with status, version, container engine and uptime.") var listNodes = false
    @Flag(help: "List jobs, newest first.") var listJobs = false
    @Option(help: "With --list-jobs: success, failed or processing.") var filter: JobFilter?
    @Option(help: "With --list-jobs and --analyze-all: how many jobs, newest first.") var limit: Int = 50
    @Option(help: "Show one job (an id, a unique prefix of one, or 'last'): per-node stdout, stderr, outcome, timings.") var jobInfo: String?
    @Flag(help: "Delete the team's finished jobs (admins).") var purgeJobs = false
    @Flag(help: "Remove the team's offline nodes and their broker users (admins).") var purgeNodes = false
    @Option(help: "Write every job of the team (YAML) to this file.") var exportJobs: String?
    @Option(help: "Write every node of the team (YAML) to this file.") var exportNodes: String?
    @Option(help: "Timings of one job (an id, a unique prefix of one, or 'last'): runtime, per-node execution and round trip, fastest, slowest.")
    var analyzeJob: String?
    @Flag(help: "Timings over the recent jobs (--limit).") var analyzeAll = false
    @Option(help: "Timings of every job of one orchestration run (the parent id `orchestrate` printed).") var analyzeParent: String?
    @Option(help: "Print a node's args, envs and job cache (YAML).") var dumpCache: String?

    @OptionGroup var global: GlobalOptions

    package init() {}

    package func validate() throws {
        let chosen = [
            listNodes, listJobs, jobInfo != nil, purgeJobs, purgeNodes, exportJobs != nil, exportNodes != nil, analyzeJob != nil, analyzeAll,
            analyzeParent != nil, dumpCache != nil,
        ].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError(
                "choose one of --list-nodes, --list-jobs, --job-info, --purge-jobs, --purge-nodes, --export-jobs, --export-nodes, --analyze-job, --analyze-parent, --analyze-all, --dump-cache"
            )
        }
        if let analyzeParent, UUID(uuidString: analyzeParent) == nil, JobReference.prefix(analyzeParent) == nil {
            throw ValidationError(
                "--analyze-parent takes the parent id `orchestrate` printed, or a unique prefix of it (at least \(JobReference.minimumPrefix) hex digits)")
        }
        if let dumpCache, !NodeName.isValid(dumpCache) { throw ValidationError(NodeNameError(name: dumpCache).description) }
        if filter != nil, !listJobs { throw ValidationError("--filter goes with --list-jobs") }
        if let jobInfo { try JobReference.validate(jobInfo, flag: "--job-info") }
        if let analyzeJob { try JobReference.validate(analyzeJob, flag: "--analyze-job") }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1...10000") }
    }

    package func run() async throws {
        let global = self.global
        try await global.withClient { client in
            if listNodes {
                let nodes = try await client.get(APIRoute.listNodes.path, as: [NodeInfo].self)
                guard global.output == .table else { return try Render.machine(nodes, format: global.output) }
                print(
                    Render.table(
                        ["NAME", "STATUS", "VERSION", "ENGINE", "HOST UPTIME", "AGENT UPTIME", "LAST SEEN", "MACHINE ID", "LABELS"],
                        nodes.map {
                            [
                                $0.name, $0.status.rawValue, $0.version, Render.firstLine($0.engine?.summary ?? "-", max: 48),
                                Render.seconds($0.hostUptimeSeconds), Render.seconds($0.agentUptimeSeconds),
                                Render.seconds(Date().timeIntervalSince($0.lastSeen)) + " ago", String($0.machineID.prefix(12)),
                                $0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                            ]
                        }
                    )
                )
            } else if listJobs {
                var path = APIRoute.listJobs.path + "?limit=\(limit)"
                if let filter { path += "&status=\(filter.statuses)" }
                let jobs = try await client.get(path, as: [JobSummary].self)
                guard global.output == .table else { return try Render.machine(jobs, format: global.output) }
                print(Self.jobTable(jobs, full: global.noTrunc))
            } else if purgeJobs {
                let answer = try await client.send(.DELETE, APIRoute.purgeJobs.path, body: nil as String?, as: [String: String].self)
                print("deleted \(answer["deleted"] ?? "0") finished job(s)")
            } else if purgeNodes {
                let answer = try await client.send(.DELETE, APIRoute.purgeNodes.path, body: nil as String?, as: [String: String].self)
                print("removed offline node(s): \(answer["removed"].flatMap { $0.isEmpty ? nil : $0 } ?? "none")")
            } else if let file = exportJobs {
                let jobs = try await client.get(APIRoute.listJobs.path + "?limit=10000", as: [JobSummary].self)
                try Data(try YAMLEncoder().encode(jobs).utf8).write(to: URL(fileURLWithPath: file))
                print("wrote \(jobs.count) job(s) to \(file)")
            } else if let file = exportNodes {
                let nodes = try await client.get(APIRoute.listNodes.path, as: [NodeInfo].self)
                try Data(try YAMLEncoder().encode(nodes).utf8).write(to: URL(fileURLWithPath: file))
                print("wrote \(nodes.count) node(s) to \(file)")
            } else if let analyzeJob {
                let id = try await JobReference.resolve(analyzeJob, client: client)
                let detail = try await client.get(APIRoute.getJob.path(id: id), as: JobDetail.self)
                let analysis = JobAnalysis(details: [detail])
                try global.emit(analysis) { $0.text }
            } else if let analyzeParent {
                let parent = try await JobReference.resolveParent(analyzeParent, client: client)
                var details: [JobDetail] = []
                for job in try await client.get(APIRoute.listJobs.path + "?limit=10000&parent=\(parent)", as: [JobSummary].self).reversed() {
                    details.append(try await client.get(APIRoute.getJob.path(id: "\(job.id)"), as: JobDetail.self))
                }
                guard !details.isEmpty else { throw ValidationError("no job has parent \(parent)") }
                try global.emit(JobAnalysis(details: details)) { $0.text }
            } else if let node = dumpCache {
                var request = SubmitJobRequest(verb: Verb.cacheDump.rawValue, arguments: "", targets: [node])
                request.name = "dump-cache"
                let accepted = try await client.post(APIRoute.submitJob.path, body: request, as: SubmitJobResponse.self)
                let detail = try await JobWatcher(client: client, jobID: accepted.jobID, mode: .quiet, format: global.output).run()
                guard let task = detail.tasks.first, task.status == .succeeded,
                    let dump = try? JSONDecoder().decode(YAMLValue.self, from: Data(task.stdout.utf8))
                else {
                    throw ValidationError("could not read the cache of \(node): \(detail.tasks.first?.error ?? detail.job.error ?? "no answer")")
                }
                switch global.output {
                case .json: print(task.stdout, terminator: "")
                case .ndjson: try Render.machine(dump, format: .ndjson)
                case .table, .yaml: print(try YAMLEncoder().encode(dump), terminator: "")
                }
            } else if analyzeAll {
                var details: [JobDetail] = []
                for job in try await client.get(APIRoute.listJobs.path + "?limit=\(limit)", as: [JobSummary].self) {
                    details.append(try await client.get(APIRoute.getJob.path(id: "\(job.id)"), as: JobDetail.self))
                }
                try global.emit(JobAnalysis(details: details)) { $0.text }
            } else if let jobInfo {
                let id = try await JobReference.resolve(jobInfo, client: client)
                let detail = try await client.get(APIRoute.getJob.path(id: id), as: JobDetail.self)
                guard global.output == .table else { return try Render.machine(detail, format: global.output) }
                print(Self.describe(detail))
            }
        }
    }

    /// `--list-jobs`: one row per job; a block shows its name and step count (not its first
    /// step's verb); OK, FAILED, CACHED and SKIPPED count tasks (node × step).
    static func jobTable(_ jobs: [JobSummary], full: Bool) -> String {
        Render.table(
            ["ID", "STATUS", "WHAT", "NODES", "STEPS", "OK", "FAILED", "CACHED", "SKIPPED", "CREATED", "TOOK", "ARGUMENTS"],
            jobs.map { j in
                let steps = j.steps ?? 1
                let cached = j.cached ?? 0
                let skipped = j.skipped ?? 0
                return [
                    "\(j.id)", j.status.rawValue, what(j), "\(j.nodes ?? j.nodeCount)", "\(steps)", "\(j.succeeded - cached)", "\(j.failed - skipped)",
                    "\(cached)", "\(skipped)", Render.time(j.createdAt), j.finishedAt.map { Render.seconds($0.timeIntervalSince(j.createdAt)) } ?? "-",
                    steps > 1 ? "-" : (full ? j.arguments : Render.firstLine(j.arguments, max: 40)),
                ]
            }
        )
    }

    /// What a job is: its verb, or for an orchestration block its name and step count.
    package static func what(_ j: JobSummary) -> String {
        let steps = j.steps ?? 1
        if steps > 1 { return "\(j.name ?? "block") (\(steps) steps)" }
        return j.name.map { "\($0) (\(j.verb))" } ?? j.verb
    }

    static func describe(_ detail: JobDetail) -> String {
        let j = detail.job
        let tally = JobTally(detail)
        let multiStep = tally.stepsPerNode > 1
        var lines = [
            "job:        \(j.id)\(j.name.map { " (\($0))" } ?? "")",
            multiStep ? "block:      \(tally.stepsPerNode) steps, first \(j.verb) \(j.arguments)" : "verb:       \(j.verb) \(j.arguments)",
            "status:     \(j.status.rawValue)\(j.error.map { " (\($0))" } ?? "")",
            "targets:    \(j.targets.isEmpty ? "all online nodes" : j.targets.joined(separator: ", "))",
            "secrets:    \(j.secretNames?.joined(separator: ", ") ?? "none") (values never shown)",
            "submitted:  \(Render.time(j.createdAt)) by \(j.submittedBy)",
            "dispatched: \(Render.time(j.dispatchedAt))",
            "finished:   \(Render.time(j.finishedAt))\(j.finishedAt.map { " (\(Render.seconds($0.timeIntervalSince(j.createdAt))) after submission)" } ?? "")",
            "nodes:      \(tally.nodes.total) (\(tally.nodes.text))",
        ]
        if multiStep { lines.append("steps:      \(tally.steps.total) (\(tally.steps.text))") }
        for t in detail.tasks {
            lines.append("")
            let step = multiStep ? " step \(Render.stepLabel(t))" : ""
            lines.append(
                "[\(t.node)]\(step) \(TaskOutcome(t).rawValue)\(t.exitCode.map { ", exit \($0)" } ?? "")\(t.error.map { ": \($0)" } ?? "")")
            lines.append("  task:       \(t.id)")
            if let fingerprint = t.fingerprint {
                lines.append("  fingerprint: \(fingerprint)\(t.cached == true ? " (cached: skipped, it succeeded here before)" : "")")
            }
            lines.append("  started:    \(Render.time(t.startedAt))")
            lines.append(
                "  finished:   \(Render.time(t.finishedAt))\(Render.zip2(t.startedAt, t.finishedAt).map { " (ran \(Render.seconds($1.timeIntervalSince($0))))" } ?? "")"
            )
            if let d = t.dispatchedAt, let r = t.resultReceivedAt {
                lines.append("  round trip: \(Render.seconds(r.timeIntervalSince(d))) (dispatch to result recorded)")
            }
            lines.append("  stdout:" + (t.stdout.isEmpty ? " (empty)" : "\n" + indent(t.stdout)))
            lines.append("  stderr:" + (t.stderr.isEmpty ? " (empty)" : "\n" + indent(t.stderr)))
        }
        return lines.joined(separator: "\n")
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
