#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A self-pipe another thread can make readable to wake a thread blocked in `poll()`.
/// Signals coalesce until ``drain()``. (A pipe rather than an `eventfd`: Swift's Glibc module
/// does not export `<sys/eventfd.h>`, and a pipe behaves the same under `poll()` everywhere.)
struct ThreadWakeup: Sendable {
    /// Descriptor to poll for `POLLIN`.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// Creates the pipe; `nil` if the process is out of descriptors.
    init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    /// Makes ``readDescriptor`` readable (async-signal-safe, never blocks).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)  // a full pipe already wakes the reader
    }

    /// Consumes all pending signals.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }

    /// Closes both ends.
    func close() {
        #if canImport(Glibc)
            _ = Glibc.close(readDescriptor)
            _ = Glibc.close(writeDescriptor)
        #elseif canImport(Musl)
            _ = Musl.close(readDescriptor)
            _ = Musl.close(writeDescriptor)
        #else
            _ = Darwin.close(readDescriptor)
            _ = Darwin.close(writeDescriptor)
        #endif
    }

    /// What ``wait(socket:wakeup:timeout:)`` saw.
    struct Readiness {
        /// The socket has data, EOF or an error.
        var socket = false
        /// ``signal()`` was called.
        var wakeup = false
    }

    /// Blocks until `socket` (if ≥ 0) is readable, `wakeup` (if any) is signalled, or
    /// `timeout` passes. Does not drain the wakeup.
    static func wait(socket: Int32, wakeup: ThreadWakeup?, timeout: Duration) -> Readiness {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = max(0, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        var fds = [
            pollfd(fd: wakeup?.readDescriptor ?? -1, events: Int16(POLLIN), revents: 0),
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
        ]
        // poll() ignores negative descriptors.
        let rc = poll(&fds, nfds_t(fds.count), milliseconds)
        var readiness = Readiness()
        guard rc > 0 else { return readiness }
        readiness.wakeup = fds[0].revents != 0
        readiness.socket = fds[1].revents != 0
        return readiness
    }
}
