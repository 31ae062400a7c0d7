import Foundation
import Glibc

/// Starts blocking work on a thread of its own, never on the Swift cooperative pool (STYLE
/// rule 18): child processes (the Deployer), Argon2id hashing (the Gateway), the rabbitmq-c
/// connection's executor. The only file that touches pthread pointers for it.
///
/// `pthread_create` directly rather than Foundation's `Thread`, whose `start()` cannot report a
/// failure: when the system is out of threads the work would silently never run and its caller
/// would wait forever.
package enum DedicatedThread {
    /// Runs `body` on a new detached thread named `name` (at most 15 bytes are kept). Returns 0, or
    /// the `pthread_create` error (`EAGAIN` when the process or system is at its thread limit), in
    /// which case `body` never runs.
    package static func start(name: String? = nil, _ body: @escaping @Sendable () -> Void) -> Int32 {
        let work = Unmanaged.passRetained(Work(name: name, body: body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { context in
                let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
                if let name = work.name {
                    // Set on the thread itself so Linux tools show it (Linux keeps 15 bytes).
                    Thread.current.name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
                }
                work.body()
                return nil
            }, work.toOpaque())
        if result != 0 {
            work.release()
        }
        return result
    }

    /// Runs `work` on a new thread and resumes the caller with its result; the thread ends with the
    /// work. Cancelling the caller does not stop the work (keep it short).
    ///
    /// - Throws: ``ThreadStartError`` when no thread could be started (`work` never ran).
    package static func run<T: Sendable>(name: String, _ work: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let result = start(name: name) { continuation.resume(returning: work()) }
            if result != 0 { continuation.resume(throwing: ThreadStartError(code: result)) }
        }
    }

    /// The closure and the thread's name, boxed so they travel through `pthread_create`'s `void *` argument.
    private final class Work: Sendable {
        let name: String?
        let body: @Sendable () -> Void

        init(name: String?, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}

/// No thread could be started (the process or the system is at its thread limit).
package struct ThreadStartError: Error, CustomStringConvertible {
    /// The `pthread_create` error (`EAGAIN`: at the thread limit).
    package let code: Int32
    package init(code: Int32) { self.code = code }
    package var description: String { "could not start a thread (pthread_create error \(code)); the process or the system is at its thread limit" }
}
