import CoxswainRuntime
import Foundation
import Synchronization

/// A `SerialExecutor` that runs its jobs on one dedicated OS thread, so an actor using it can
/// make blocking C calls without ever blocking Swift's cooperative thread pool.
///
/// ``stop()`` lets the thread exit once it has no work; a job enqueued afterwards starts a
/// fresh thread that exits again when idle, so a stopped actor still answers (typically
/// with ``AMQPError/shutdown``) instead of hanging its callers.
final class DedicatedThreadExecutor: SerialExecutor, Sendable {
    private struct State: ~Copyable {
        var jobs: [UnownedJob] = []
        var threadRunning = true
        var stopping = false
        var threadID: pthread_t?
    }

    private let name: String
    /// Job queue and thread bookkeeping; only changed while `condition` is locked too.
    private let state = Mutex(State())
    /// The idle thread waits on it for jobs or `stop()`.
    private let condition = NSCondition()

    /// Creates the executor and starts its thread.
    init(name: String) {
        self.name = name
        startThread()
    }

    /// Lets the thread exit once no jobs are queued.
    func stop() {
        condition.lock()
        state.withLock { $0.stopping = true }
        condition.signal()
        condition.unlock()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        let needsThread = state.withLock { state in
            state.jobs.append(job)
            if state.threadRunning { return false }
            state.threadRunning = true
            return true
        }
        condition.signal()
        condition.unlock()
        if needsThread { startThread() }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func isIsolatingCurrentContext() -> Bool? {
        let current = pthread_self()
        return state.withLock { state in state.threadID.map { pthread_equal($0, current) != 0 } ?? false }
    }

    func checkIsolated() {
        precondition(isIsolatingCurrentContext() == true, "not on the \(name) thread")
    }

    private func startThread() {
        // Without a thread no job of this actor could ever run: retry for a while (the process is at
        // its thread limit), then stop with a message rather than hang every caller silently.
        for _ in 0..<100 {
            if DedicatedThread.start(name: name, { [self] in loop() }) == 0 { return }
            usleep(50_000)
        }
        fatalError("could not start the \(name) thread for 5 s: the process or the system is at its thread limit")
    }

    private func loop() {
        state.withLock { $0.threadID = pthread_self() }
        while true {
            var batch: [UnownedJob] = []
            var exit = false
            condition.lock()
            while true {
                state.withLock { state in
                    if !state.jobs.isEmpty {
                        swap(&state.jobs, &batch)
                    } else if state.stopping {
                        state.threadRunning = false
                        state.threadID = nil
                        exit = true
                    }
                }
                if exit || !batch.isEmpty { break }
                condition.wait()
            }
            condition.unlock()
            if exit { return }
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}
