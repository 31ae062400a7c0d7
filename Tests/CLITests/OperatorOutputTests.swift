import ArgumentParser
import CoxswainCLI
import CoxswainCore
import Foundation
import Testing

/// Pure formatting and parsing of issue 13's operator experience: truthful outcomes, counts,
/// NDJSON, argument checks, durations, id prefixes, progress and network error sentences.
@Suite("CLI operator output")
struct OperatorOutputTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func task(
        _ node: String, step: Int = 0, _ status: TaskStatus, cached: Bool = false, error: String? = nil, stdout: String = "", stderr: String = "",
        verb: String? = "RUN"
    ) -> TaskDetail {
        var t = TaskDetail(
            id: TaskID(), node: node, status: status, exitCode: status == .succeeded ? 0 : (status == .failed && error == nil ? 1 : nil), stdout: stdout,
            stderr: stderr, error: error, createdAt: t0, dispatchedAt: t0, startedAt: t0, finishedAt: status.isFinal ? t0.addingTimeInterval(1) : nil,
            resultReceivedAt: nil)
        t.cached = cached ? true : nil
        t.step = step
        t.verb = verb
        return t
    }

    static func detail(_ tasks: [TaskDetail], status: JobStatus = .succeeded) -> JobDetail {
        let job = JobSummary(
            id: JobID(), verb: "RUN", arguments: "x", targets: [], status: status, submittedBy: "t", error: nil, createdAt: t0, dispatchedAt: t0,
            finishedAt: t0.addingTimeInterval(2), nodeCount: tasks.count, succeeded: 0, failed: 0, pending: 0)
        return JobDetail(job: job, tasks: tasks)
    }

    @Test("a cached task is cached and a skipped step is skipped, not succeeded/failed")
    func outcomes() {
        #expect(TaskOutcome(Self.task("a", .succeeded, cached: true)) == .cached)
        #expect(TaskOutcome(Self.task("a", .succeeded)) == .succeeded)
        #expect(TaskOutcome(Self.task("a", .failed, error: "skipped: an earlier task on this node failed (step 1)")) == .skipped)
        #expect(TaskOutcome(Self.task("a", .failed, error: "exit 1")) == .failed)
        #expect(TaskOutcome(Self.task("a", .timedOut)) == .timedOut)
        #expect(TaskOutcome.ofNode([.succeeded, .failed, .skipped]) == .failed)
        #expect(TaskOutcome.ofNode([.cached, .cached]) == .cached)
        #expect(TaskOutcome.ofNode([.cached, .succeeded]) == .succeeded)
        #expect(TaskOutcome.ofNode([.skipped, .skipped]) == .skipped)
        #expect(TaskOutcome.ofNode([.succeeded, .pending]) == .pending)
    }

    @Test("a block counts nodes as nodes and steps as steps")
    func tallies() {
        var tasks: [TaskDetail] = []
        for n in 0..<6 {
            let node = "n\(n)"
            if n < 3 {
                tasks += [Self.task(node, step: 0, .succeeded, cached: true), Self.task(node, step: 1, .succeeded), Self.task(node, step: 2, .succeeded)]
            } else {
                tasks += [
                    Self.task(node, step: 0, .succeeded), Self.task(node, step: 1, .failed),
                    Self.task(node, step: 2, .failed, error: "skipped: an earlier task on this node failed (step 2)"),
                ]
            }
        }
        let tally = JobTally(Self.detail(tasks, status: .failed))
        #expect(tally.nodes == OutcomeTally([.succeeded, .succeeded, .succeeded, .failed, .failed, .failed]))
        #expect(tally.stepsPerNode == 3)
        #expect(tally.steps.succeeded == 9 && tally.steps.cached == 3 && tally.steps.failed == 3 && tally.steps.skipped == 3)
        #expect(
            tally.text
                == "3 succeeded, 3 failed, 0 cached, 0 skipped of 6 node(s); steps: 9 succeeded, 3 failed, 3 cached, 3 skipped of 18 (3 per node)")
        let single = JobTally(Self.detail([Self.task("a", .succeeded, cached: true), Self.task("b", .succeeded), Self.task("c", .pending)]))
        #expect(single.text == "1 succeeded, 0 failed, 1 cached, 0 skipped, 1 pending of 3 node(s)")
    }

    @Test("the outcome table: status column truthful, step column for blocks, stderr when stdout is empty")
    func outcomeTable() {
        let long = String(repeating: "x", count: 100)
        let detail = Self.detail([
            Self.task("a", .succeeded, cached: true), Self.task("b", .succeeded, stderr: "only on stderr\n"),
            Self.task("c", .failed, error: "exit 3: \(long)", stdout: "out\nmore", stderr: "err"),
        ])
        let text = Render.outcome(detail)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix(": 1 succeeded, 1 failed, 1 cached, 0 skipped of 3 node(s) in 2.00s"), "\(lines[0])")
        #expect(lines[1].hasPrefix("NODE  STATUS") && !lines[1].contains("STEP"))
        #expect(lines[2].hasPrefix("a     cached"), "\(text)")
        #expect(lines[3].contains("only on stderr"), "\(text)")
        #expect(lines[4].contains("…") && !text.contains(long))
        let full = Render.outcome(detail, full: true)
        #expect(full.contains("exit 3: \(long)") && full.contains("[c] failed: exit 3:") && full.contains("    out\n    more") && full.contains("    err"))
        let block = Render.outcome(Self.detail([Self.task("a", step: 0, .succeeded), Self.task("a", step: 1, .failed, verb: "ECHO")]))
        #expect(block.contains("NODE  STEP    STATUS") && block.contains("a     2 ECHO  failed"), "\(block)")
    }

    @Test("--list-jobs shows a block's name and step count")
    func listJobs() {
        var block = Self.detail([]).job
        block.name = "setup"
        block.steps = 3
        #expect(ManageCommandProbe.what(block) == "setup (3 steps)")
        block.steps = 1
        #expect(ManageCommandProbe.what(block) == "setup (RUN)")
        block.name = nil
        #expect(ManageCommandProbe.what(block) == "RUN")
    }

    @Test("ndjson: one compact object per line, a list one line per element")
    func ndjson() throws {
        #expect(try Render.ndjsonLines(["b": 1, "a": 2]) == [#"{"a":2,"b":1}"#])
        #expect(try Render.ndjsonLines([["x": "1/2"], ["x": "3"]]) == [#"{"x":"1/2"}"#, #"{"x":"3"}"#])
        #expect(Render.ndjsonEvent(name: "job", data: Array(#"{"kind":"completed"}"#.utf8)) == #"{"data":{"kind":"completed"},"event":"job"}"#)
        #expect(Render.ndjsonEvent(name: "comment", data: Array("waiting".utf8)) == #"{"data":"waiting","event":"comment"}"#)
    }

    @Test("exec refuses a job flag after the command and extra words, showing the right form")
    func execArguments() throws {
        try ExecCommand.checkArguments(["sleep 60"], verb: "RUN")
        try ExecCommand.checkArguments(["--skip-cache", "sleep 60"], verb: "RUN")
        try ExecCommand.checkArguments(["--skip-cache sleep 60"], verb: "RUN")
        try ExecCommand.checkArguments(["--exec-help"], verb: "RUN")
        try ExecCommand.checkArguments([], verb: "ECHO")
        let flag = #expect(throws: ValidationError.self) { try ExecCommand.checkArguments(["sleep 60", "--skip-cache"], verb: "RUN") }
        #expect(flag?.message.contains("coxswain exec --verb RUN '--skip-cache sleep 60'") == true, "\(String(describing: flag))")
        let extra = #expect(throws: ValidationError.self) { try ExecCommand.checkArguments(["echo a", "echo b"], verb: "RUN") }
        #expect(extra?.message.contains("got 2: 'echo a' 'echo b'") == true, "\(String(describing: extra))")
        // -o takes a value like --output: the word after it is never a command word.
        #expect(
            ArgumentOrder.normalize(["exec", "--verb", "RUN", "--skip-cache", "x", "-o", "json"]) == [
                "exec", "--verb", "RUN", "-o", "json", "--", "--skip-cache", "x",
            ])
    }

    @Test("durations take units like the configuration; times take ISO dates or an age")
    func durations() {
        #expect(DurationArgument(argument: "90")?.seconds == 90)
        #expect(DurationArgument(argument: "90s")?.seconds == 90)
        #expect(DurationArgument(argument: "1d")?.seconds == 86_400)
        #expect(DurationArgument(argument: "2w").map { Int($0.seconds) } == 1_209_600)
        #expect(DurationArgument(argument: "1.5h")?.seconds == 5400)
        #expect(DurationArgument(argument: "500ms")?.seconds == 0.5)
        for bad in ["", "-5", "1x", "nan", "inf", "1e300", "5 min"] { #expect(DurationArgument(argument: bad) == nil, "\(bad)") }
        let now = Self.t0
        #expect(TimeArgument(argument: "24h", now: now)?.date == now.addingTimeInterval(-86_400))
        #expect(TimeArgument(argument: "2027-01-15T08:00:00Z", now: now)?.date == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(TimeArgument(argument: "2027-01-15", now: now) != nil)
        #expect(TimeArgument(argument: "yesterday", now: now) == nil)
    }

    @Test("a unique id prefix names a job; an ambiguous one is a usage error naming the matches")
    func idPrefixes() throws {
        let a = JobID(string: "3f2a9c1b-0000-4000-8000-000000000001")!
        let b = JobID(string: "3f2a9c1b-0000-4000-8000-000000000002")!
        let c = JobID(string: "77aa0000-0000-4000-8000-000000000003")!
        #expect(try JobReference.match("77aa", among: [a, b, c]) == c)
        #expect(try JobReference.match("3F2A9C1B-0000-4000-8000-000000000001", among: [a, b, c]) == a)
        #expect(try JobReference.match("3f2a9c1b0000400080000000000000 2", among: [a, b, c]) == nil)
        #expect(try JobReference.match("3f2a9c1b-0000-4000-8000-000000000002", among: [a, b, c]) == b)
        #expect(try JobReference.match("dead", among: [a, b, c]) == nil)
        let ambiguous = #expect(throws: ValidationError.self) { try JobReference.match("3f2a", among: [a, b, c]) }
        #expect(ambiguous?.message.contains("\(a)") == true && ambiguous?.message.contains("\(b)") == true)
        #expect(throws: ValidationError.self) { try JobReference.validate("3f2", flag: "--job-info") }
        #expect(throws: ValidationError.self) { try JobReference.validate("zzzz", flag: "--job-info") }
        try JobReference.validate("3F2A", flag: "--job-info")
        try JobReference.validate("last", flag: "--job-info")
    }

    @Test("progress: done/total, failed, elapsed and the nodes waited on longest")
    func progress() {
        var p = JobProgress()
        #expect(p.line(elapsed: 0) == "not planned yet, 0 failed, 0s elapsed")
        var tasks = (0..<5).map { Self.task("n\($0)", .pending) }
        tasks[0].dispatchedAt = Self.t0.addingTimeInterval(-10)
        p.reset(Self.detail(tasks + [Self.task("done", .succeeded)]))
        p.finished(node: "n1", status: .failed, at: Self.t0)
        p.finished(node: "n2", status: .succeeded, at: Self.t0)
        p.finished(node: "ghost", status: .succeeded, at: Self.t0)
        #expect(p.done == 3 && p.total == 6 && p.failed == 1)
        #expect(p.line(elapsed: 12.7) == "3/6 done, 1 failed, 12s elapsed; waiting on n0, n3, n4")
    }

    @Test("bootstrap progress: hosts done/total, failed, and the hosts waited on longest")
    func bootstrapProgress() {
        func host(_ name: String, _ status: BootstrapHostStatus, started: Double?) -> BootstrapHostDetail {
            BootstrapHostDetail(
                name: name, host: "127.0.0.1", port: 22, username: "root", role: "client", status: status, error: nil,
                startedAt: started.map { Self.t0.addingTimeInterval($0) }, finishedAt: nil, steps: [])
        }
        let run = BootstrapRunSummary(
            id: UUID(), status: .running, hosts: 4, succeeded: 1, failed: 0, submittedBy: "root", error: nil, createdAt: Self.t0, finishedAt: nil)
        var p = JobProgress()
        p.reset(
            BootstrapRunDetail(
                run: run,
                hosts: [
                    host("a", .succeeded, started: 0), host("b", .running, started: 5), host("c", .pending, started: nil), host("d", .running, started: 2),
                ],
                files: []))
        #expect(p.done == 1 && p.total == 4 && p.failed == 0)
        #expect(p.line(elapsed: 3) == "1/4 done, 0 failed, 3s elapsed; waiting on c, d, b")
        p.started(node: "c", at: Self.t0.addingTimeInterval(9))
        p.finished(node: "d", status: .failed, at: Self.t0.addingTimeInterval(10))
        #expect(p.line(elapsed: 11) == "2/4 done, 1 failed, 11s elapsed; waiting on b, c")
    }

    @Test("network errors read as sentences")
    func unreachable() {
        struct Fake: Error, CustomStringConvertible { var description: String }
        #expect(
            GatewayUnreachable.sentence(
                .http(base: "http://127.0.0.1:1", token: nil), error: Fake(description: "connect(descriptor:addr:size:): Connection refused (errno: 111)"))
                == "cannot reach the Gateway at http://127.0.0.1:1: connection refused")
        let socket = GatewayUnreachable.sentence(
            .socket("/run/x/gateway.sock"), error: Fake(description: "connect(descriptor:addr:size:): No such file or directory (errno: 2)"))
        #expect(socket.hasPrefix("cannot reach the Gateway on /run/x/gateway.sock: no such file — is the platform running? (make run"), "\(socket)")
        #expect(GatewayUnreachable.reason("something new") == "something new")
    }
}

/// `ManageCommand.what` seen from the tests.
enum ManageCommandProbe {
    static func what(_ job: JobSummary) -> String { ManageCommand.what(job) }
}
