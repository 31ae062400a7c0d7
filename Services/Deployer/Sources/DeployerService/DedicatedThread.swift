import Glibc

/// Starts blocking work on a thread of its own, never on the Swift cooperative pool (STYLE
/// rule 18). The only file that touches pthread pointers.
///
/// `pthread_create` directly rather than Foundation's `Thread`, whose `start()` cannot report a
/// failure: when the system is out of threads the work would silently never run and its caller
/// would wait forever.
enum DedicatedThread {
    /// Runs `body` on a new detached thread. Returns 0, or the `pthread_create` error (`EAGAIN`
    /// when the process or system is at its thread limit), in which case `body` never runs.
    static func start(_ body: @escaping @Sendable () -> Void) -> Int32 {
        let work = Unmanaged.passRetained(Work(body: body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, work.toOpaque())
        if result != 0 {
            work.release()
        }
        return result
    }

    /// The closure, boxed so it can travel through `pthread_create`'s `void *` argument.
    private final class Work: Sendable {
        let body: @Sendable () -> Void

        init(body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }
}
