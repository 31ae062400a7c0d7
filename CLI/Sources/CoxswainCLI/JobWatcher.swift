import CoxswainCore
import Foundation

/// Follows one job over the Gateway's server-sent events (push, never polling) and prints it.
/// While it waits, progress shows on standard error (`ProgressReporter`) and Ctrl-C detaches
/// (exit 130; the job continues). `--output ndjson` prints every event as one JSON line, then
/// the job; json and yaml print the finished job as one document.
struct JobWatcher {
    /// `quiet`: wait and return the detail without printing it; `streamQuiet`: print the live
    /// output as it comes, then return the detail without printing it (container logs, pulls).
    enum Mode { case wait, poll, stream, quiet, streamQuiet }

    let client: GatewayClient
    let jobID: JobID
    let mode: Mode
    let format: OutputFormat
    /// `--no-trunc`: whole cells, failures in full.
    var full = false
    /// Print the finished job (false: the caller prints several jobs as one document).
    var printResult = true
    /// The command Ctrl-C names to follow the job later.
    var detachHint: String?

    init(client: GatewayClient, jobID: JobID, mode: Mode, format: OutputFormat, full: Bool = false) {
        self.client = client
        self.jobID = jobID
        self.mode = mode
        self.format = format
        self.full = full
    }

    func run() async throws -> JobDetail {
        let human = format == .table && mode != .quiet
        let streaming = format == .table && (mode == .stream || mode == .streamQuiet)
        // ndjson: every event as it arrives, also for live output (`container logs --follow -o ndjson`).
        let events = format == .ndjson && mode != .quiet
        let client = self.client
        let jobID = self.jobID
        let progress = mode == .wait || mode == .poll || mode == .stream ? ProgressReporter(label: "job \(jobID)") : nil
        let detach =
            mode == .quiet || mode == .streamQuiet
            ? nil : InterruptDetach(hint: detachHint ?? "coxswain manage --job-info \(jobID)") { progress?.stop() }
        defer {
            progress?.stop()
            detach?.remove()
        }
        if let progress {
            if let detail = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self) {
                progress.update { $0.reset(detail) }
            }
            // Streams print their own lines on stdout; a redrawn line would tear them.
            if !(progress.terminal && mode != .wait) { progress.start() }
        }
        let decoder = WireCoding.decoder()
        var lineBuffers: [String: String] = [:]
        var printed = Set<TaskID>()
        try await client.follow(
            APIRoute.jobEvents.path(id: "\(jobID)"),
            waitingFor: {
                guard let job = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self).job else {
                    return "job \(jobID): the gateway does not answer yet (detach with Ctrl-C; the job continues: coxswain manage --job-info \(jobID))"
                }
                return "job \(jobID) is \(job.status.rawValue): \(job.pending) of \(job.nodeCount) task(s) pending"
            }
        ) { event in
            if events, event.name != StreamEventName.end.rawValue { print(Render.ndjsonEvent(name: event.name, data: event.data)) }
            switch event.name {
            case StreamEventName.output.rawValue where streaming:
                guard let chunk = try? decoder.decode(OutputChunk.self, from: Data(event.data)) else { return }
                let key = "\(chunk.node)/\(chunk.channel.rawValue)"
                var text = (lineBuffers[key] ?? "") + chunk.text
                while let newline = text.firstIndex(of: "\n") {
                    let line = text[..<newline]
                    print("\(chunk.node) | \(chunk.channel == .stderr ? "! " : "")\(line)")
                    text = String(text[text.index(after: newline)...])
                }
                lineBuffers[key] = text
            case StreamEventName.job.rawValue:
                guard let e = try? decoder.decode(JobEvent.self, from: Data(event.data)) else { return }
                if e.kind == .dispatched, let detail = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self) {
                    progress?.update { $0.reset(detail) }
                }
                if e.kind == .taskFinished, let node = e.node, let status = e.taskStatus {
                    progress?.update { $0.finished(node: "\(node)", status: status, at: e.time) }
                    // --poll: each finished task as it is recorded, as what it is (cached, skipped).
                    if human, mode == .poll, let detail = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self) {
                        Self.printFinished(detail, skipping: &printed)
                    }
                }
            default:
                break
            }
        }
        for (key, rest) in lineBuffers where !rest.isEmpty {
            print("\(key.split(separator: "/")[0]) | \(rest)")
        }
        progress?.stop()
        let detail = try await client.getRetrying(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self)
        if human, mode == .poll { Self.printFinished(detail, skipping: &printed) }
        if mode == .quiet || mode == .streamQuiet || !printResult { return detail }
        if human { print(Render.outcome(detail, full: full)) } else { try Render.machine(detail, format: format) }
        return detail
    }

    /// `--poll`'s lines: `node: succeeded (exit 0)`, `node: cached`, `node step 2 RUN: skipped`,
    /// one per finished task not printed before.
    static func printFinished(_ detail: JobDetail, skipping printed: inout Set<TaskID>) {
        let steps = JobTally(detail).stepsPerNode > 1
        for t in detail.tasks where t.status.isFinal && !printed.contains(t.id) {
            printed.insert(t.id)
            let outcome = TaskOutcome(t)
            print("\(t.node)\(steps ? " step \(Render.stepLabel(t))" : ""): \(outcome.rawValue)\(t.exitCode.map { " (exit \($0))" } ?? "")")
        }
    }
}

/// A terminal spinner on stderr, only shown on a TTY.
final class Spinner: @unchecked Sendable {
    // `task` is touched only from the owning command's task (start/stop), never concurrently.
    private var task: Task<Void, Never>?
    let label: String

    init(label: String) { self.label = label }

    func start() {
        let label = label
        task = Task.detached {
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var i = 0
            while !Task.isCancelled {
                FileHandle.standardError.write(Data("\r\(frames[i % frames.count]) \(label)".utf8))
                i += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func stop() {
        guard let task else { return }
        task.cancel()
        self.task = nil
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
