import Glibc

/// A child process spawned in its own process group, with our ends of its stdout and stderr
/// pipes. The only file in `DeployerService` that touches C pointers (STYLE rule 17).
///
/// Not `Sendable`: one dedicated thread spawns, reads, signals and reaps it (STYLE rule 18).
/// The group is only ever signalled before the child is reaped: until then the child, even as a
/// zombie, keeps its pid (which is the group id) from being reused.
final class ChildProcess {
    /// Largest chunk handed to the output callback.
    static let maximumChunkSize = 64 * 1024

    /// The child's pid, which is also its process-group id.
    let pid: pid_t
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var exited = false
    private var reaped = false
    private var buffer = [UInt8](repeating: 0, count: ChildProcess.maximumChunkSize)

    private init(pid: pid_t, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    deinit {
        closePipes()
    }

    /// Whether either pipe is still open on our side.
    var hasOpenPipes: Bool {
        stdoutFD >= 0 || stderrFD >= 0
    }

    // MARK: Spawning

    /// Spawns `spec` with `posix_spawn`: own process group (pgid = pid), stdin from `/dev/null`,
    /// stdout and stderr to fresh pipes, empty signal mask, every signal at its default action,
    /// exactly `spec.environment`, and no other descriptors of ours.
    ///
    /// A missing or non-executable `spec.executable` throws ``ProcessRunnerError/spawnFailed(errno:executable:)``
    /// (glibc reports the `execve` error from `posix_spawn` itself); it never turns into exit 127.
    static func spawn(_ spec: ProcessSpec) throws(ProcessRunnerError) -> ChildProcess {
        try validate(spec)
        guard let pipe2 = GNUExtensions.pipe2, let addChdir = GNUExtensions.addChdir else {
            throw .spawnFailed(errno: ENOSYS, executable: spec.executable)
        }

        // O_CLOEXEC atomically, so a process spawned concurrently by another thread cannot
        // inherit these pipes and hold them open. The child gets its ends through dup2.
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard pipe2(&stdoutPipe, O_CLOEXEC) == 0 else {
            throw .pipeCreationFailed(errno: errno)
        }
        guard pipe2(&stderrPipe, O_CLOEXEC) == 0 else {
            let code = errno
            closeAll(stdoutPipe)
            throw .pipeCreationFailed(errno: code)
        }
        defer {
            // The child has its own copies of the write ends; ours would keep EOF from coming.
            closeAll([stdoutPipe[1], stderrPipe[1]])
        }
        // Non-blocking only on our read ends (a separate open file description from the child's
        // write ends), so a drain can read until EAGAIN.
        for fd in [stdoutPipe[0], stderrPipe[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var setupFailure: Int32 = 0
        func check(_ result: Int32) {
            if result != 0, setupFailure == 0 { setupFailure = result }
        }
        check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0))
        check(posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1))
        check(posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2))
        if let workingDirectory = spec.workingDirectory {
            check(addChdir(&actions, workingDirectory))
        }
        if let addClosefrom = GNUExtensions.addClosefrom {
            // Ours are all CLOEXEC; this also keeps descriptors other code opened without it.
            check(addClosefrom(&actions, 3))
        }
        check(
            posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))
        check(posix_spawnattr_setpgroup(&attributes, 0))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        check(posix_spawnattr_setsigmask(&attributes, &noSignals))
        // Signals the deployer ignores (SIGPIPE, typically) would stay ignored across exec.
        // (glibc's posix_spawn still sets its internal signals 32 and 33 to SIG_IGN in the
        // child; glibc-based programs reinstall their handlers at start.)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        check(posix_spawnattr_setsigdefault(&attributes, &allSignals))
        guard setupFailure == 0 else {
            closeAll([stdoutPipe[0], stderrPipe[0]])
            throw .spawnFailed(errno: setupFailure, executable: spec.executable)
        }

        let argv = [spec.executable] + spec.arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStringArray(argv) { argv in
            withCStringArray(envp) { envp in
                guard let argv, let envp else { return ENOMEM }
                return posix_spawn(&pid, spec.executable, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else {
            closeAll([stdoutPipe[0], stderrPipe[0]])
            if let workingDirectory = spec.workingDirectory, let code = unusableDirectoryError(workingDirectory) {
                throw .workingDirectoryUnavailable(errno: code, path: workingDirectory)
            }
            throw .spawnFailed(errno: result, executable: spec.executable)
        }
        return ChildProcess(pid: pid, stdoutFD: stdoutPipe[0], stderrFD: stderrPipe[0])
    }

    private static func validate(_ spec: ProcessSpec) throws(ProcessRunnerError) {
        guard spec.executable.hasPrefix("/") else {
            throw .invalidSpec(reason: "executable must be an absolute path")
        }
        guard !spec.executable.utf8.contains(0), !spec.arguments.contains(where: { $0.utf8.contains(0) }) else {
            throw .invalidSpec(reason: "executable or an argument contains a NUL byte")
        }
        for (name, value) in spec.environment {
            guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "=")) else {
                throw .invalidSpec(reason: "an environment variable name is empty or contains '='")
            }
            guard !name.utf8.contains(0), !value.utf8.contains(0) else {
                throw .invalidSpec(reason: "an environment variable contains a NUL byte")
            }
        }
        if let workingDirectory = spec.workingDirectory, workingDirectory.isEmpty || workingDirectory.utf8.contains(0) {
            throw .invalidSpec(reason: "working directory is empty or contains a NUL byte")
        }
    }

    /// Why `path` cannot be a working directory, or `nil` if it can. `posix_spawn` reports a
    /// failed `chdir` and a failed `execve` alike, so this tells them apart after the fact.
    private static func unusableDirectoryError(_ path: String) -> Int32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno }
        guard info.st_mode & S_IFMT == S_IFDIR else { return ENOTDIR }
        return access(path, X_OK) == 0 ? nil : errno
    }

    /// Calls `body` with a NULL-terminated array of C strings, or with `nil` if out of memory.
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R
    ) -> R {
        var pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        let complete = !pointers.contains(nil)
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body(complete ? $0.baseAddress : nil) }
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds where fd >= 0 {
            _ = close(fd)
        }
    }

    // MARK: Supervising

    /// Waits at most `timeout` for output on the open pipes and hands what is readable to
    /// `deliver`, at most ``maximumChunkSize`` bytes per pipe. Closes a pipe at end-of-file.
    /// With no pipe open, just sleeps (with `nanosleep`, as the exit checks that follow the
    /// end of output wait well under a millisecond). Returns early on `EINTR`; the caller
    /// re-evaluates.
    func readOutput(waitingAtMost timeout: Duration, _ deliver: (OutputChannel, [UInt8]) -> Void) {
        var polled: [pollfd] = []
        for fd in [stdoutFD, stderrFD] where fd >= 0 {
            polled.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        guard !polled.isEmpty else {
            let (seconds, attoseconds) = max(timeout, .zero).components
            var interval = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            _ = nanosleep(&interval, nil)
            return
        }
        guard poll(&polled, nfds_t(polled.count), Self.milliseconds(rounding: timeout)) > 0 else {
            return
        }
        for entry in polled where entry.revents != 0 {
            let channel: OutputChannel = entry.fd == stdoutFD ? .stdout : .stderr
            let (count, endOfFile) = readAvailable(entry.fd)
            if count > 0 {
                deliver(channel, Array(buffer[0..<count]))
            }
            if endOfFile {
                closePipe(channel)
            }
        }
    }

    /// Reads from `fd` into `buffer` until it is full, the pipe is empty, or end-of-file.
    private func readAvailable(_ fd: Int32) -> (count: Int, endOfFile: Bool) {
        buffer.withUnsafeMutableBytes { bytes in
            var count = 0
            while count < bytes.count {
                let result = read(fd, bytes.baseAddress! + count, bytes.count - count)
                if result > 0 {
                    count += result
                } else if result == 0 {
                    return (count, true)
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN || errno == EWOULDBLOCK {
                    return (count, false)
                } else {
                    return (count, true)  // EIO and the like: nothing more will come.
                }
            }
            return (count, false)
        }
    }

    /// Whether the child has exited, without reaping it (`waitid` with `WNOWAIT`).
    func hasExited() throws(ProcessRunnerError) -> Bool {
        guard !exited else { return true }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 {
            guard errno == EINTR else { throw .exitStatusUnavailable(errno: errno) }
        }
        exited = info._sifields._sigchld.si_pid == pid
        return exited
    }

    /// Sends `signal` to every process in the child's group, unless the child has been reaped.
    func signalGroup(_ signal: Int32) {
        guard !reaped else { return }
        _ = kill(-pid, signal)
    }

    /// Reaps the child: `waitpid` on exactly its pid, never -1, since other code in the deployer
    /// spawns children too. Blocks until it exits; call after ``hasExited()`` returned `true`.
    func reap() throws(ProcessRunnerError) -> WaitStatus {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid {
                reaped = true
                return WaitStatus(rawValue: status)
            }
            guard result == -1, errno == EINTR else { throw .exitStatusUnavailable(errno: errno) }
        }
    }

    /// Closes our ends of both pipes. A process still holding the other ends gets SIGPIPE
    /// (or EPIPE) when it next writes.
    func closePipes() {
        closePipe(.stdout)
        closePipe(.stderr)
    }

    private func closePipe(_ channel: OutputChannel) {
        switch channel {
        case .stdout:
            if stdoutFD >= 0 { _ = close(stdoutFD) }
            stdoutFD = -1
        case .stderr:
            if stderrFD >= 0 { _ = close(stderrFD) }
            stderrFD = -1
        }
    }

    /// `timeout` in whole milliseconds for `poll`, rounded up so a wait never ends early.
    private static func milliseconds(rounding timeout: Duration) -> Int32 {
        guard timeout > .zero else { return 0 }
        let (seconds, attoseconds) = timeout.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let milliseconds = seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond
        return Int32(clamping: milliseconds)
    }

    /// glibc functions that Swift's `Glibc` module does not import because it is not compiled with
    /// `_GNU_SOURCE`, looked up by name once. The package has no C shim target to declare them.
    private enum GNUExtensions {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
        typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

        /// `pipe2` (glibc 2.9).
        static let pipe2 = resolve("pipe2", as: Pipe2.self)
        /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29).
        static let addChdir = resolve("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
        /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34); optional hardening.
        static let addClosefrom = resolve("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)

        private static func resolve<F>(_ name: String, as type: F.Type) -> F? {
            // dlopen(NULL) is the program itself, whose lookup scope includes libc.
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        }
    }
}
