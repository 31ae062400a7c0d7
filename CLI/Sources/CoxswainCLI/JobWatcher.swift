import CoxswainCore
import Foundation

/// Follows one job over the Gateway's server-sent events (push, never polling) and prints it.
struct JobWatcher {
    /// `quiet`: wait and return the detail without printing it; `streamQuiet`: print the live
    /// output as it comes, then return the detail without printing it (container logs, pulls).
    enum Mode { case wait, poll, stream, quiet, streamQuiet }

    let client: GatewayClient
    let jobID: JobID
    let mode: Mode
    let format: OutputFormat

    func run() async throws -> JobDetail {
        let human = format == .table && mode != .quiet
        let streaming = format == .table && (mode == .stream || mode == .streamQuiet)
        let spinner = human && mode == .wait && isatty(STDERR_FILENO) == 1 ? Spinner(label: "waiting for job \(jobID)") : nil
        spinner?.start()
        defer { spinner?.stop() }
        let decoder = WireCoding.decoder()
        var lineBuffers: [String: String] = [:]
        let client = self.client
        let jobID = self.jobID
        try await client.follow(
            APIRoute.jobEvents.path(id: "\(jobID)"),
            waitingFor: {
                guard let job = try? await client.get(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self).job else {
                    return "job \(jobID): the gateway does not answer yet (detach with Ctrl-C; the job continues: coxswain manage --job-info \(jobID))"
                }
                return "job \(jobID) is \(job.status.rawValue): \(job.pending) of \(job.nodeCount) task(s) pending"
            }
        ) { event in
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
            case StreamEventName.job.rawValue where mode != .wait && mode != .streamQuiet && human:
                guard let e = try? decoder.decode(JobEvent.self, from: Data(event.data)) else { return }
                if e.kind == .taskFinished, mode == .poll, let node = e.node {
                    print("\(node): \(e.taskStatus?.rawValue ?? "?")\(e.exitCode.map { " (exit \($0))" } ?? "")")
                }
            default:
                break
            }
        }
        for (key, rest) in lineBuffers where !rest.isEmpty {
            print("\(key.split(separator: "/")[0]) | \(rest)")
        }
        spinner?.stop()
        let detail = try await client.getRetrying(APIRoute.getJob.path(id: "\(jobID)"), as: JobDetail.self)
        if mode == .quiet || mode == .streamQuiet { return detail }
        if human { print(Render.outcome(detail)) } else { try Render.machine(detail, format: format) }
        return detail
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
