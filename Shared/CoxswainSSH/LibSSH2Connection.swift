import CSSH2
import Foundation

/// The only file that touches libssh2's C pointers: one libssh2 session over one TCP socket,
/// in non-blocking mode, with every call retried after `EAGAIN` once the socket is ready
/// (`poll`), until a deadline passes or the task is cancelled.
///
/// Not thread-safe and not `Sendable`: an ``SSHSession`` owns it and calls it only on its own
/// serial queue. `deinit` frees the session and closes the socket.
final class LibSSH2Connection {
    /// A channel (command or SCP transfer). Valid until passed to ``free(_:)``.
    struct Channel {
        fileprivate let pointer: OpaquePointer
    }

    /// How long the waits for the network of one operation may take.
    struct Limits {
        /// The operation's deadline, if it has one.
        var overall: ContinuousClock.Instant?
        /// The longest single wait without progress, if limited.
        var idle: Duration?
    }

    /// Result of one non-blocking read.
    enum ReadResult {
        /// Bytes of the stream.
        case data([UInt8])
        /// Nothing available now; wait for the socket.
        case wouldBlock
        /// The server sent EOF (or closed the channel) and nothing is left to read.
        case end
    }

    /// `libssh2_init`, exactly once per process (before the first session).
    private static let initialization: Int32 = libssh2_init(0)

    private let session: OpaquePointer
    private let socket: Int32
    private var readBuffer: [UInt8]
    /// Channels given up before the server closed them (see ``abandon(_:grace:)``).
    private var abandoned: [Channel] = []
    /// Set when a channel could not be shut down cleanly: the SSH transport may be mid-packet,
    /// so the connection must not be used again.
    private(set) var isBroken = false

    /// A libssh2 session over the connected non-blocking `socket`, which it now owns (closed by
    /// `deinit`, also when this initializer throws).
    init(socket: Int32, chunkSize: Int) throws(LibSSH2Failure) {
        guard Self.initialization == 0, let session = cssh2_session_init() else {
            Glibc.close(socket)
            throw .library(code: LIBSSH2_ERROR_ALLOC, message: "libssh2 initialisation failed")
        }
        libssh2_session_set_blocking(session, 0)
        self.session = session
        self.socket = socket
        self.readBuffer = [UInt8](repeating: 0, count: max(chunkSize, 4096))
    }

    deinit {
        // Abandoned channels wait for the server's CLOSE, which may never come; libssh2 would
        // wait for it (and, on some errors, loop) inside libssh2_session_free. Shutting the
        // socket down first makes that wait end at once: the next read sees EOF and libssh2
        // marks the socket disconnected, after which channels are freed without I/O.
        if !abandoned.isEmpty {
            shutdown(socket, Int32(SHUT_RDWR))
            for _ in 0..<3 where !abandoned.isEmpty {
                abandoned.removeAll { libssh2_channel_free($0.pointer) == 0 }
            }
        }
        // If a channel still refuses to go, leak the session's memory rather than risk
        // libssh2_session_free spinning forever.
        if abandoned.isEmpty { libssh2_session_free(session) }
        Glibc.close(socket)
    }

    // MARK: Session

    /// Keeps the algorithms of `preferred` that this libssh2 supports, in order, and makes them
    /// the host key preference. Returns the list used; throws if none is supported.
    func setHostKeyPreference(_ preferred: [String]) throws(LibSSH2Failure) -> [String] {
        var list: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        let count = libssh2_session_supported_algs(session, LIBSSH2_METHOD_HOSTKEY, &list)
        var supported: Set<String> = []
        if count > 0, let list {
            for index in 0..<Int(count) {
                if let name = list[index] { supported.insert(String(cString: name)) }
            }
            libssh2_free(session, UnsafeMutableRawPointer(list))
        }
        let usable = preferred.filter(supported.contains)
        guard !usable.isEmpty else {
            throw .library(
                code: LIBSSH2_ERROR_METHOD_NOT_SUPPORTED,
                message: "none of the host key algorithms \(preferred) is supported (libssh2 \(String(cString: libssh2_version(0))) has \(supported.sorted()))")
        }
        let rc = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, usable.joined(separator: ","))
        if rc != 0 { throw lastError(rc) }
        return usable
    }

    /// Runs the SSH handshake (banner, key exchange).
    func handshake(_ limits: Limits) throws(LibSSH2Failure) {
        try retrying(limits) { libssh2_session_handshake(session, socket) }
    }

    /// The server's host key blob (after the handshake).
    func hostKeyBlob() -> [UInt8]? {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &length, &type), length > 0 else { return nil }
        return key.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// The negotiated host key signature algorithm, for logs.
    func negotiatedHostKeyAlgorithm() -> String {
        libssh2_session_methods(session, LIBSSH2_METHOD_HOSTKEY).map { String(cString: $0) } ?? "?"
    }

    /// The server's authentication methods for `user`; empty if the server let the user in
    /// without authentication (`none`).
    func authenticationMethods(user: String, _ limits: Limits) throws(LibSSH2Failure) -> [String] {
        while true {
            if let list = libssh2_userauth_list(session, user, UInt32(user.utf8.count)) {
                return String(cString: list).split(separator: ",").map(String.init)
            }
            if libssh2_userauth_authenticated(session) != 0 { return [] }
            let code = libssh2_session_last_errno(session)
            guard code == LIBSSH2_ERROR_EAGAIN else { throw lastError(code) }
            try waitForSocket(limits)
        }
    }

    /// Public-key authentication with a private key held in memory (the public key is derived
    /// from it).
    func authenticate(user: String, privateKey: [UInt8], passphrase: String?, _ limits: Limits) throws(LibSSH2Failure) {
        try retrying(limits) {
            privateKey.withUnsafeBufferPointer { key in
                key.withMemoryRebound(to: CChar.self) { key in
                    libssh2_userauth_publickey_frommemory(
                        session, user, user.utf8.count, nil, 0, key.baseAddress, key.count, passphrase ?? "")
                }
            }
        }
    }

    /// Sends SSH_MSG_DISCONNECT (best effort within `limits`).
    func disconnect(_ limits: Limits) {
        try? retrying(limits) { cssh2_session_disconnect(session, "closed by client") }
    }

    // MARK: Channels

    /// Opens a session channel and starts `command` on it.
    func exec(_ command: String, _ limits: Limits) throws(LibSSH2Failure) -> Channel {
        let channel = Channel(pointer: try retryingPointer(limits) { cssh2_channel_open_session(session) })
        do {
            try retrying(limits) {
                command.withCString { cssh2_channel_exec(channel.pointer, $0, UInt32(strlen($0))) }
            }
        } catch {
            free(channel)
            throw error
        }
        return channel
    }

    /// Reads at most one buffer of `stream` (0 standard output, 1 standard error) without waiting.
    func read(_ channel: Channel, standardError: Bool) throws(LibSSH2Failure) -> ReadResult {
        let stream = standardError ? cssh2_stderr_stream() : 0
        let count = readBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cssh2_channel_read(channel.pointer, stream, $0.baseAddress, $0.count) }
        }
        if count > 0 { return .data(Array(readBuffer[0..<count])) }
        if count == 0 { return .end }
        if count == Int(LIBSSH2_ERROR_EAGAIN) { return .wouldBlock }
        throw lastError(Int32(count))
    }

    /// Reads up to `maximum` bytes of standard output, waiting within `limits`; empty at the end.
    func readWaiting(_ channel: Channel, maximum: Int, _ limits: Limits) throws(LibSSH2Failure) -> [UInt8] {
        let wanted = min(maximum, readBuffer.count)
        while true {
            let count = readBuffer.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { cssh2_channel_read(channel.pointer, 0, $0.baseAddress, wanted) }
            }
            if count >= 0 { return Array(readBuffer[0..<count]) }
            guard count == Int(LIBSSH2_ERROR_EAGAIN) else { throw lastError(Int32(count)) }
            try waitForSocket(limits)
        }
    }

    /// Writes all of `bytes` to the channel's standard input, waiting within `limits`.
    func write(_ channel: Channel, _ bytes: some ContiguousBytes, _ limits: Limits) throws(LibSSH2Failure) {
        let result: Result<Void, LibSSH2Failure> = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return .success(()) }
            var offset = 0
            while offset < buffer.count {
                let written = cssh2_channel_write(channel.pointer, base + offset, buffer.count - offset)
                if written >= 0 {
                    offset += written
                } else if written == Int(LIBSSH2_ERROR_EAGAIN) {
                    do throws(LibSSH2Failure) { try waitForSocket(limits) } catch { return .failure(error) }
                } else {
                    return .failure(lastError(Int32(written)))
                }
            }
            return .success(())
        }
        try result.get()
    }

    /// Whether the server sent EOF and all data was read.
    func isEOF(_ channel: Channel) -> Bool { libssh2_channel_eof(channel.pointer) != 0 }

    /// Sends EOF on the channel's standard input.
    func sendEOF(_ channel: Channel, _ limits: Limits) throws(LibSSH2Failure) {
        try retrying(limits) { libssh2_channel_send_eof(channel.pointer) }
    }

    /// Waits for the server's EOF.
    func waitEOF(_ channel: Channel, _ limits: Limits) throws(LibSSH2Failure) {
        try retrying(limits) { libssh2_channel_wait_eof(channel.pointer) }
    }

    /// Sends CLOSE and waits for the server's CLOSE.
    func close(_ channel: Channel, _ limits: Limits) throws(LibSSH2Failure) {
        try retrying(limits) { libssh2_channel_close(channel.pointer) }
        try retrying(limits) { libssh2_channel_wait_closed(channel.pointer) }
    }

    /// The command's exit status and exit signal (once the channel is closed).
    func exitStatus(_ channel: Channel) -> SSHExitStatus {
        let code = libssh2_channel_get_exit_status(channel.pointer)
        var signal: UnsafeMutablePointer<CChar>?
        var length = 0
        _ = libssh2_channel_get_exit_signal(channel.pointer, &signal, &length, nil, nil, nil, nil)
        var name: String?
        if let signal {
            name = length > 0 ? String(cString: signal) : nil
            libssh2_free(session, signal)
        }
        return SSHExitStatus(code: code, signal: name)
    }

    /// Frees the channel (sending CLOSE if that was not done). If that cannot finish within a
    /// couple of seconds the connection is marked broken.
    func free(_ channel: Channel) {
        let limits = Limits(overall: .now + .seconds(2), idle: nil)
        do {
            try retrying(limits) { libssh2_channel_free(channel.pointer) }
        } catch {
            isBroken = true
        }
    }

    /// Gives up a channel whose command or transfer did not finish: sends EOF and CLOSE and
    /// waits up to `grace` for the server's CLOSE. sshd answers only once the remote process
    /// has exited, so a channel still open then is kept and freed later (``reapAbandonedChannels()``).
    func abandon(_ channel: Channel, grace: Duration = .milliseconds(300)) {
        do {
            try retrying(Limits(overall: .now + grace, idle: nil)) { libssh2_channel_free(channel.pointer) }
        } catch .timedOut, .cancelled {
            abandoned.append(channel)
        } catch {
            abandoned.append(channel)
            isBroken = true
        }
    }

    /// Frees the abandoned channels whose CLOSE from the server has arrived meanwhile (one
    /// non-blocking attempt each).
    func reapAbandonedChannels() {
        abandoned.removeAll { channel in
            let rc = libssh2_channel_free(channel.pointer)
            if rc == 0 { return true }
            if rc != LIBSSH2_ERROR_EAGAIN { isBroken = true }
            return false
        }
    }

    /// Reads what the channel's standard error holds now (at most 4 KiB), without waiting: the
    /// reason the remote `scp` gives for a failure.
    func pendingStandardError(_ channel: Channel) -> String {
        var collected: [UInt8] = []
        while collected.count < 4096, case .data(let bytes)? = try? read(channel, standardError: true) {
            collected += bytes
        }
        return String(decoding: collected.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: SCP

    /// Starts an SCP upload of `size` bytes to `path`, created with `mode`.
    func scpSend(path: String, mode: Int32, size: Int64, _ limits: Limits) throws(LibSSH2Failure) -> Channel {
        Channel(pointer: try retryingPointer(limits) { libssh2_scp_send64(session, path, mode, size, 0, 0) })
    }

    /// Starts an SCP download of `path`; returns the channel with the file's size and mode.
    func scpReceive(path: String, _ limits: Limits) throws(LibSSH2Failure) -> (channel: Channel, size: Int64, mode: UInt32) {
        var info = libssh2_struct_stat()
        let pointer = try retryingPointer(limits) { libssh2_scp_recv2(session, path, &info) }
        return (Channel(pointer: pointer), Int64(info.st_size), UInt32(info.st_mode))
    }

    // MARK: Waiting

    /// Waits until the socket is ready in the direction libssh2 is blocked on, in slices of at
    /// most 100 ms so that task cancellation is noticed.
    func waitForSocket(_ limits: Limits) throws(LibSSH2Failure) {
        let start = ContinuousClock.now
        let idleDeadline = limits.idle.map { start + $0 }
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        // libssh2 said EAGAIN without a direction (for example a full remote window): wait for
        // inbound data, briefly, then let the caller retry.
        let quick = events == 0
        if quick { events = Int16(POLLIN) }
        while true {
            if Task.isCancelled { throw .cancelled }
            let now = ContinuousClock.now
            if let overall = limits.overall, now >= overall { throw .timedOut(idle: false) }
            if let idleDeadline, now >= idleDeadline { throw .timedOut(idle: true) }
            var slice = Duration.milliseconds(quick ? 10 : 100)
            if let overall = limits.overall { slice = min(slice, now.duration(to: overall)) }
            if let idleDeadline { slice = min(slice, now.duration(to: idleDeadline)) }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, slice.roundedUpMilliseconds)))
            if ready > 0 || quick { return }
            if ready < 0 && errno != EINTR { throw .system(call: "poll", errno: errno) }
        }
    }

    /// Calls `call` until it returns something other than `LIBSSH2_ERROR_EAGAIN`; a negative
    /// result becomes a failure with libssh2's last error message.
    private func retrying(_ limits: Limits, _ call: () -> Int32) throws(LibSSH2Failure) {
        while true {
            let rc = call()
            if rc >= 0 { return }
            guard rc == LIBSSH2_ERROR_EAGAIN else { throw lastError(rc) }
            try waitForSocket(limits)
        }
    }

    /// Calls `call` until it returns a pointer or fails with something other than `EAGAIN`.
    private func retryingPointer(_ limits: Limits, _ call: () -> OpaquePointer?) throws(LibSSH2Failure) -> OpaquePointer {
        while true {
            if let pointer = call() { return pointer }
            let code = libssh2_session_last_errno(session)
            guard code == LIBSSH2_ERROR_EAGAIN else { throw lastError(code) }
            try waitForSocket(limits)
        }
    }

    private func lastError(_ code: Int32) -> LibSSH2Failure {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(session, &message, &length, 0)
        return .library(code: code, message: message.map { String(cString: $0) } ?? "")
    }
}
