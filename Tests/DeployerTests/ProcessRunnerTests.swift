import Foundation
import Glibc
import Synchronization
import Testing

@testable import DeployerService

/// `ProcessRunner` against real processes.
@Suite(.timeLimit(.minutes(2))) struct ProcessRunnerTests {
    let runner = ProcessRunner()
    let environment = ["PATH": "/usr/bin:/bin"]

    func shell(_ command: String, timeout: Duration = .seconds(10), killGrace: Duration = .seconds(2)) -> ProcessSpec {
        .shell(command, environment: environment, timeout: timeout, killGrace: killGrace)
    }

    // MARK: Exit status and output

    @Test(arguments: [0, 3] as [Int32])
    func reportsTheExitCode(code: Int32) async throws {
        let outcome = try await runner.run(shell("exit \(code)")) { _, _ in }
        #expect(outcome.exitCode == code)
        #expect(outcome.terminationSignal == nil)
        #expect(!outcome.timedOut)
        #expect(outcome.startedAt <= outcome.finishedAt)
    }

    @Test func reportsTheSignalThatKilledTheProcess() async throws {
        let outcome = try await runner.run(shell("kill -KILL $$")) { _, _ in }
        #expect(outcome.exitCode == nil)
        #expect(outcome.terminationSignal == SIGKILL)
        #expect(!outcome.timedOut)
    }

    @Test func keepsStdoutAndStderrApart() async throws {
        let recorder = OutputRecorder()
        let outcome = try await runner.run(shell("echo out; echo err >&2"), onOutput: recorder.record)
        #expect(outcome.stdout == Array("out\n".utf8))
        #expect(outcome.stderr == Array("err\n".utf8))
        #expect(!outcome.truncated)
        #expect(recorder.bytes(of: .stdout) == Array("out\n".utf8))
        #expect(recorder.bytes(of: .stderr) == Array("err\n".utf8))
    }

    @Test func streamsChunksInOrderBeforeReturning() async throws {
        let recorder = OutputRecorder()
        let outcome = try await runner.run(shell("echo a; sleep 0.3; echo b"), onOutput: recorder.record)
        let returnedAt = ContinuousClock.now
        let chunks = recorder.chunks
        #expect(chunks.map(\.bytes) == [Array("a\n".utf8), Array("b\n".utf8)])
        #expect(chunks.allSatisfy { $0.channel == .stdout })
        #expect(outcome.stdout == Array("a\nb\n".utf8))
        if chunks.count == 2 {
            #expect(chunks[0].at.duration(to: chunks[1].at) >= .milliseconds(250))
            #expect(chunks[0].at.duration(to: returnedAt) >= .milliseconds(250))
            #expect(chunks[1].at <= returnedAt)
        }
    }

    @Test func keepsOnlyTheFirstBytesBeyondTheLimit() async throws {
        let recorder = OutputRecorder()
        let expected = Array((1...2000).map { "\($0)\n" }.joined().utf8)
        let outcome = try await ProcessRunner(outputLimit: 1000).run(shell("seq 1 2000"), onOutput: recorder.record)
        #expect(outcome.exitCode == 0)
        #expect(outcome.truncated)
        #expect(outcome.stdout == Array(expected.prefix(1000)))
        #expect(recorder.bytes(of: .stdout) == expected, "streaming is not limited")
    }

    @Test func outputAtTheLimitIsNotTruncated() async throws {
        let outcome = try await ProcessRunner(outputLimit: 4).run(shell("printf abcd")) { _, _ in }
        #expect(outcome.stdout == Array("abcd".utf8))
        #expect(!outcome.truncated)
    }

    @Test func chunksAreAtMost64KiB() async throws {
        let recorder = OutputRecorder()
        let outcome = try await ProcessRunner(outputLimit: 0).run(
            shell("head -c 1000000 /dev/zero"), onOutput: recorder.record)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.isEmpty && outcome.truncated)
        #expect(recorder.bytes(of: .stdout).count == 1_000_000)
        #expect(recorder.chunks.allSatisfy { $0.bytes.count <= 64 * 1024 })
    }

    // MARK: What the child gets

    @Test func childGetsExactlyTheGivenEnvironment() async throws {
        let spec = ProcessSpec(
            executable: "/usr/bin/env", arguments: [], environment: ["COXSWAIN_A": "one two", "B": "=x"],
            timeout: .seconds(10))
        let outcome = try await runner.run(spec) { _, _ in }
        let lines = Set(String(decoding: outcome.stdout, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(lines == ["COXSWAIN_A=one two", "B==x"])
    }

    @Test func childStartsInTheWorkingDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "process-runner-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var spec = shell("pwd -P")
        spec.workingDirectory = directory.path
        let outcome = try await runner.run(spec) { _, _ in }
        let expected = directory.resolvingSymlinksInPath().path
        #expect(String(decoding: outcome.stdout, as: UTF8.self) == expected + "\n")
    }

    @Test func stdinIsDevNull() async throws {
        let outcome = try await runner.run(shell("cat; readlink /proc/self/fd/0")) { _, _ in }
        #expect(outcome.exitCode == 0)
        #expect(String(decoding: outcome.stdout, as: UTF8.self) == "/dev/null\n")
    }

    @Test func childHasDefaultSignalsAndOnlyStandardDescriptors() async throws {
        // Make the test process ignore SIGPIPE and hold a descriptor without CLOEXEC, so the
        // child proves it gets neither.
        signal(SIGPIPE, SIG_IGN)
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let signals = try await runner.run(
            ProcessSpec(
                executable: "/bin/grep", arguments: ["-E", "^Sig(Blk|Ign)", "/proc/self/status"],
                environment: [:], timeout: .seconds(10))
        ) { _, _ in }
        let masks = String(decoding: signals.stdout, as: UTF8.self).split(separator: "\n").compactMap {
            UInt64($0.split(separator: "\t").last ?? "", radix: 16)
        }
        // Signals 1...31 only: glibc's posix_spawn itself ignores its internal real-time signals
        // 32 and 33 in the child, and glibc programs reinstall their handlers at start.
        #expect(masks.count == 2)
        #expect(masks.allSatisfy { $0 & 0x7fff_ffff == 0 }, "blocked and ignored: \(masks)")
        let descriptors = try await runner.run(shell("ls /proc/$$/fd")) { _, _ in }
        #expect(String(decoding: descriptors.stdout, as: UTF8.self) == "0\n1\n2\n")
    }

    // MARK: Timeouts and the process group

    @Test func timeoutKillsTheWholeProcessTree() async throws {
        let recorder = OutputRecorder()
        let clock = ContinuousClock()
        let begin = clock.now
        let outcome = try await runner.run(
            shell("sleep 30 & sleep 30 & echo $$; wait", timeout: .milliseconds(500)), onOutput: recorder.record)
        let elapsed = begin.duration(to: clock.now)
        #expect(outcome.timedOut)
        #expect(outcome.terminationSignal == SIGTERM)
        #expect(elapsed < .seconds(3))
        let group = try #require(recorder.firstLineAsPID)
        #expect(await ProcessGroupProbe(id: group).isGone(within: .seconds(1)))
    }

    @Test func processIgnoringSigtermIsKilledAfterTheGrace() async throws {
        let recorder = OutputRecorder()
        let clock = ContinuousClock()
        let begin = clock.now
        let outcome = try await runner.run(
            shell(
                "trap '' TERM; echo $$; sleep 30; echo survived",
                timeout: .milliseconds(300), killGrace: .milliseconds(500)),
            onOutput: recorder.record)
        let elapsed = begin.duration(to: clock.now)
        #expect(outcome.timedOut)
        #expect(outcome.terminationSignal == SIGKILL)
        #expect(elapsed >= .milliseconds(800))
        #expect(elapsed < .seconds(3))
        #expect(!String(decoding: outcome.stdout, as: UTF8.self).contains("survived"))
        let group = try #require(recorder.firstLineAsPID)
        #expect(await ProcessGroupProbe(id: group).isGone(within: .seconds(1)))
    }

    @Test func timeoutSweepsGroupMembersThatIgnoreSigterm() async throws {
        // The shell dies at SIGTERM; its background child ignores it and closed its pipes.
        let recorder = OutputRecorder()
        let outcome = try await runner.run(
            shell("(trap '' TERM; exec sleep 30 >/dev/null 2>&1) & echo $$; wait", timeout: .milliseconds(300)),
            onOutput: recorder.record)
        #expect(outcome.timedOut)
        #expect(outcome.terminationSignal == SIGTERM)
        let group = try #require(recorder.firstLineAsPID)
        #expect(await ProcessGroupProbe(id: group).isGone(within: .seconds(1)))
    }

    @Test(arguments: ["sleep 100 & echo $$", "(sleep 100 &); echo $$", "sleep 100 & echo $$; exec >&- 2>&-; sleep 0.2"])
    func backgroundGrandchildHoldingThePipesDoesNotBlock(command: String) async throws {
        let recorder = OutputRecorder()
        let outcome = try await runner.run(shell(command), onOutput: recorder.record)
        let group = try #require(recorder.firstLineAsPID)
        defer { kill(-group, SIGKILL) }
        let elapsed = outcome.finishedAt.timeIntervalSince(outcome.startedAt)
        print("ProcessRunner: `\(command)` returned after \(Int(elapsed * 1000)) ms")
        #expect(outcome.exitCode == 0)
        #expect(!outcome.timedOut)
        let shellRuntime = command.hasSuffix("sleep 0.2") ? 0.2 : 0
        #expect(elapsed - shellRuntime < 0.4, "returned \(elapsed) s after start")
        #expect(!ProcessGroupProbe(id: group).liveMembers.isEmpty, "the grandchild is left alone")
    }

    @Test func childThatClosesItsOutputStillTimesOut() async throws {
        let outcome = try await runner.run(
            shell("exec >&- 2>&-; sleep 30", timeout: .milliseconds(300))
        ) { _, _ in }
        #expect(outcome.timedOut)
        #expect(outcome.terminationSignal == SIGTERM)
    }

    // MARK: Cancellation

    @Test func cancellationKillsTheGroupAndThrows() async throws {
        let recorder = OutputRecorder()
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let runner = runner
        let spec = shell("sleep 30 & sleep 30 & echo $$; wait")
        let task = Task {
            try await runner.run(spec) { channel, bytes in
                recorder.record(channel, bytes)
                startedContinuation.yield()
            }
        }
        for await _ in started { break }
        let clock = ContinuousClock()
        let begin = clock.now
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(begin.duration(to: clock.now) < .seconds(1))
        let group = try #require(recorder.firstLineAsPID)
        #expect(await ProcessGroupProbe(id: group).isGone(within: .seconds(1)))
    }

    @Test func alreadyCancelledTaskSpawnsNothing() async throws {
        let recorder = OutputRecorder()
        let runner = runner
        let spec = shell("echo spawned")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await runner.run(spec, onOutput: recorder.record)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(recorder.chunks.isEmpty)
    }

    // MARK: Failures

    @Test func missingExecutableFailsToSpawn() async throws {
        let spec = ProcessSpec(executable: "/nonexistent/tool", arguments: [], environment: [:], timeout: .seconds(5))
        let error = await #expect(throws: ProcessRunnerError.self) { try await runner.run(spec) { _, _ in } }
        #expect(error == .spawnFailed(errno: ENOENT, executable: "/nonexistent/tool"))
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("/nonexistent/tool") == true)
    }

    @Test func missingCommandInAShellExitsWith127() async throws {
        let outcome = try await runner.run(shell("coxswain-no-such-command")) { _, _ in }
        #expect(outcome.exitCode == 127)
    }

    @Test func missingWorkingDirectoryIsReportedAsSuch() async throws {
        var spec = shell("true")
        spec.workingDirectory = "/nonexistent/dir"
        let error = await #expect(throws: ProcessRunnerError.self) { try await runner.run(spec) { _, _ in } }
        #expect(error == .workingDirectoryUnavailable(errno: ENOENT, path: "/nonexistent/dir"))
    }

    @Test(arguments: [
        ProcessSpec(executable: "sh", arguments: [], environment: [:], timeout: .seconds(1)),
        ProcessSpec(arguments: ["-c", "true\0"], environment: [:], timeout: .seconds(1)),
        ProcessSpec(arguments: [], environment: ["A=B": "secret"], timeout: .seconds(1)),
        ProcessSpec(arguments: [], environment: ["": "x"], timeout: .seconds(1)),
    ])
    func invalidSpecIsRejectedWithoutLeakingValues(spec: ProcessSpec) async throws {
        let error = await #expect(throws: ProcessRunnerError.self) { try await runner.run(spec) { _, _ in } }
        guard case .invalidSpec = error else {
            Issue.record("expected invalidSpec, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("secret") == false)
    }

    // MARK: Load and latency

    @Test func fiftyConcurrentRunsAllSucceed() async throws {
        let runner = runner
        let spec = ProcessSpec(arguments: ["-c", "true"], environment: environment, timeout: .seconds(30))
        let clock = ContinuousClock()
        let begin = clock.now
        let codes = try await withThrowingTaskGroup(of: Int32?.self) { group in
            for _ in 0..<50 {
                group.addTask { try await runner.run(spec) { _, _ in }.exitCode }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = begin.duration(to: clock.now)
        #expect(codes == Array(repeating: 0, count: 50))
        let milliseconds = elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1)))
        print("ProcessRunner: 50 concurrent `/bin/sh -c true` took \(milliseconds)")
    }

    @Test func slowRunsDoNotOccupyTheCooperativePool() async throws {
        // The pool has one thread per core; if a run blocked one, 16 sleeps would take turns (8 s
        // on 2 cores). Side by side they take about 1 s; the bound leaves room for a loaded machine.
        let runner = runner
        let spec = shell("sleep 1")
        let clock = ContinuousClock()
        let begin = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask { _ = try await runner.run(spec) { _, _ in } }
            }
            try await group.waitForAll()
        }
        #expect(begin.duration(to: clock.now) < .seconds(4))
    }

    @Test func shellTrueReturnsInAFewMilliseconds() async throws {
        let spec = ProcessSpec(arguments: ["-c", "true"], environment: environment, timeout: .seconds(30))
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<100 {
            let begin = clock.now
            let outcome = try await runner.run(spec) { _, _ in }
            samples.append(begin.duration(to: clock.now))
            #expect(outcome.exitCode == 0)
        }
        samples.sort()
        let format = Duration.UnitsFormatStyle(
            allowedUnits: [.milliseconds], width: .abbreviated, fractionalPart: .show(length: 2))
        let (median, p90, maximum) = (samples[50].formatted(format), samples[90].formatted(format), samples[99].formatted(format))
        print("ProcessRunner: `/bin/sh -c true` x100 sequential: median \(median), p90 \(p90), max \(maximum)")
        // Speed is a benchmark's business (the figure is printed above; make bench measures it): this
        // only catches a runner that waits for a coarse poll tick (hundreds of ms) instead of the child.
        // The unit phase runs suites in parallel on 2 cores, where the median was seen at 35 ms.
        #expect(samples[50] < .milliseconds(250))
    }
}

/// Collects streamed output with arrival times.
private final class OutputRecorder: Sendable {
    struct Chunk {
        var channel: OutputChannel
        var bytes: [UInt8]
        var at: ContinuousClock.Instant
    }

    private let recorded = Mutex<[Chunk]>([])

    var chunks: [Chunk] {
        recorded.withLock { $0 }
    }

    func record(_ channel: OutputChannel, _ bytes: [UInt8]) {
        let now = ContinuousClock.now
        recorded.withLock { $0.append(Chunk(channel: channel, bytes: bytes, at: now)) }
    }

    func bytes(of channel: OutputChannel) -> [UInt8] {
        chunks.filter { $0.channel == channel }.flatMap(\.bytes)
    }

    /// The first stdout line as a pid (the tests' shells `echo $$`, their process-group id).
    var firstLineAsPID: pid_t? {
        String(decoding: bytes(of: .stdout), as: UTF8.self).split(separator: "\n").first.flatMap { pid_t($0) }
    }
}

/// A process group, seen through `/proc`.
private struct ProcessGroupProbe {
    var id: pid_t

    /// Pids of the group's processes that are not zombies. (This machine's pid 1 may not reap
    /// orphans, so zombies can linger in `/proc`; `kill(-pgid, 0)` would count them.)
    var liveMembers: [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", fields[0] != "X", pid_t(fields[2]) == id else { return nil }
            return pid
        }
    }

    /// Whether the group has no live member, polling for up to `limit` (SIGKILL takes effect
    /// asynchronously).
    func isGone(within limit: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while clock.now < deadline {
            if liveMembers.isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return liveMembers.isEmpty
    }
}

@Suite("PKG commands")
struct PackageCommandTests {
    @Test("apt-get or dnf, chosen on the node; names quoted")
    func commands() {
        let present = PackageVerb.packageCommand(packages: ["nginx", "a'b"], state: .present, exclude: [], clearMetadata: false)
        #expect(present.contains("apt-get install -y -q 'nginx' 'a'\\''b'"))
        #expect(present.contains("dnf install -y  'nginx'"))
        let absent = PackageVerb.packageCommand(packages: ["x"], state: .absent, exclude: ["y"], clearMetadata: true)
        #expect(absent.contains("apt-get clean && apt-get update -q && apt-mark hold 'y' && apt-get remove -y -q 'x'"))
        #expect(absent.contains("dnf clean all && dnf remove -y --exclude='y' 'x'"))
    }
}
