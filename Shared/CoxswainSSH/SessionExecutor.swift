import Dispatch

/// A `SerialExecutor` over a private serial dispatch queue: an ``SSHSession`` runs all its
/// (blocking) libssh2 calls there, never on Swift's cooperative thread pool.
///
/// A serial queue targets Dispatch's overcommitting global queue, which starts another thread
/// when its threads block, so ten sessions blocked in the network use ten threads and leave
/// the cooperative pool (one thread per core) free.
final class SessionExecutor: SerialExecutor {
    /// The queue the session's jobs run on.
    let queue: DispatchQueue

    /// An executor on a new serial queue named `label` (shown by debuggers).
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
