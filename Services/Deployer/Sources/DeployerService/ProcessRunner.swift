import CoxswainRuntime
import Foundation
import Glibc
import Synchronization

/// Runs one command for a task as a child process and reports how it ended.
///
/// Each run gets a dedicated thread (``DedicatedThread``) that spawns the child, polls its
/// pipes, signals its process group and reaps it; no blocking call ever runs on the Swift
/// cooperative pool (STYLE rule 18). The result comes back through a checked continuation.
///
/// The child leads its own process group, so a timeout or cancellation reaches everything it
/// started, unless a descendant moved itself to another group or session (`setsid`, `set -m`).
/// A run ends when the command ends: a background process it leaves behind holding the output
/// pipes delays the return by at most about 150 ms and is not killed. See
/// ``ProcessSupervision`` for the termination and draining policy.
package struct ProcessRunner: Sendable {
    /// Bytes kept per stream in ``ProcessOutcome``; output beyond it is streamed but not kept.
    package let outputLimit: Int

    /// Creates a runner that keeps at most `outputLimit` bytes of each stream (1 MiB by default).
    package init(outputLimit: Int = 1 << 20) {
        self.outputLimit = max(0, outputLimit)
    }

    /// Runs `spec` and returns once the process has exited and its output is drained.
    ///
    /// - Parameters:
    ///   - spec: What to run. It runs in its own process group with stdin from `/dev/null`.
    ///   - onOutput: Receives every chunk of output in order, each at most 64 KiB, on the run's
    ///     thread before this function returns. It is not limited by ``outputLimit``. It must
    ///     return quickly: while it runs, nothing is read and the child may block on a full pipe.
    /// - Returns: The exit status and the first ``outputLimit`` bytes of each stream. When the
    ///   timeout elapses the group gets SIGTERM, then SIGKILL after `killGrace`, and the outcome
    ///   has `timedOut` set.
    /// - Throws: `CancellationError` if the calling task is cancelled before the process exits
    ///   (the group is then terminated like on timeout and the child reaped before throwing; if
    ///   the task is already cancelled nothing is spawned), or a ``ProcessRunnerError``. A missing
    ///   executable throws ``ProcessRunnerError/spawnFailed(errno:executable:)``; only a shell
    ///   that cannot find a command exits with 127.
    package func run(
        _ spec: ProcessSpec,
        onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws -> ProcessOutcome {
        try Task.checkCancellation()
        let cancellation = CancellationRequest()
        let outputLimit = outputLimit
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Completion, ProcessRunnerError>, Never>) in
                let started = DedicatedThread.start {
                    continuation.resume(
                        returning: Self.supervise(spec, outputLimit: outputLimit, cancellation: cancellation, onOutput: onOutput)
                    )
                }
                if started != 0 {
                    continuation.resume(returning: .failure(.threadStartFailed(errno: started)))
                }
            }
        } onCancel: {
            cancellation.request()
        }
        switch result {
        case .success(.finished(let outcome)):
            return outcome
        case .success(.cancelled):
            throw CancellationError()
        case .failure(let error):
            throw error
        }
    }

    /// How a supervised run ended, as the thread reports it.
    private enum Completion: Sendable {
        case finished(ProcessOutcome)
        case cancelled
    }

    /// Spawns and supervises the child until it is reaped. Blocks; runs on the run's own thread.
    private static func supervise(
        _ spec: ProcessSpec,
        outputLimit: Int,
        cancellation: CancellationRequest,
        onOutput: (OutputChannel, [UInt8]) -> Void
    ) -> Result<Completion, ProcessRunnerError> {
        // Cancelled between the check in `run` and the thread's start: spawn nothing.
        guard !cancellation.isRequested else { return .success(.cancelled) }
        let clock = ContinuousClock()
        let startedAt = Date()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec)
        } catch {
            return .failure(error)
        }
        var supervision = ProcessSupervision(
            startedAt: clock.now,
            configuration: .init(timeout: spec.timeout, killGrace: spec.killGrace)
        )
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var truncated = false
        func keep(_ chunk: [UInt8], in captured: inout [UInt8]) {
            let room = outputLimit - captured.count
            if chunk.count > room { truncated = true }
            if room > 0 { captured.append(contentsOf: chunk.prefix(room)) }
        }

        supervising: while true {
            let exited: Bool
            do {
                exited = try child.hasExited()
            } catch {
                return .failure(error)
            }
            let observation = ProcessSupervision.Observation(
                now: clock.now,
                childExited: exited,
                pipesOpen: child.hasOpenPipes,
                cancellationRequested: cancellation.isRequested
            )
            switch supervision.next(observation) {
            case .signalGroup(.terminate):
                child.signalGroup(SIGTERM)
            case .signalGroup(.kill):
                child.signalGroup(SIGKILL)
            case .wait(let timeout):
                child.readOutput(waitingAtMost: timeout) { channel, chunk in
                    switch channel {
                    case .stdout: keep(chunk, in: &stdout)
                    case .stderr: keep(chunk, in: &stderr)
                    }
                    onOutput(channel, chunk)
                }
            case .finish:
                break supervising
            }
        }

        child.closePipes()
        let status: WaitStatus
        do {
            status = try child.reap()
        } catch {
            return .failure(error)
        }
        if supervision.cancelledBeforeExit {
            return .success(.cancelled)
        }
        return .success(
            .finished(
                ProcessOutcome(
                    exitCode: status.exitCode,
                    terminationSignal: status.terminationSignal,
                    timedOut: supervision.terminationReason == .timeout,
                    stdout: stdout,
                    stderr: stderr,
                    truncated: truncated,
                    startedAt: startedAt,
                    finishedAt: Date()
                )))
    }

    /// Set by the task's cancellation handler, read by the run's thread between waits (so a
    /// cancellation is acted on within `ProcessSupervision.Configuration.pollInterval`).
    private final class CancellationRequest: Sendable {
        private let requested = Atomic<Bool>(false)

        var isRequested: Bool {
            requested.load(ordering: .acquiring)
        }

        func request() {
            requested.store(true, ordering: .releasing)
        }
    }
}
