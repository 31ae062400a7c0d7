import DeployerService
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The outcome of a finished command.
struct CommandResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs a program to completion with the Deployer's own `ProcessRunner` (posix_spawn, no inherited
/// descriptors, its own process group, a time limit, never blocking the cooperative pool).
/// Foundation's `Process` is not used: it waits for every background child a command leaves
/// behind (the restarted broker), which never ends.
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(60)) async throws
    -> CommandResult
{
    let spec = ProcessSpec(
        executable: executable, arguments: arguments, environment: environment ?? ProcessInfo.processInfo.environment,
        workingDirectory: nil, timeout: timeout
    )
    let outcome = try await ProcessRunner(outputLimit: 16 << 20).run(spec) { _, _ in }
    return CommandResult(
        status: outcome.exitCode ?? (128 + (outcome.terminationSignal ?? 0)),
        stdout: String(decoding: outcome.stdout, as: UTF8.self),
        stderr: String(decoding: outcome.stderr, as: UTF8.self) + (outcome.timedOut ? "\n(timed out after \(timeout))" : "")
    )
}

/// Polls `condition` until it holds or `timeout` passes (test-side waiting only).
func eventually(_ what: String, timeout: Duration = .seconds(30), every: Duration = .milliseconds(200), _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: every)
    }
    throw HarnessError("timed out after \(timeout) waiting for: \(what)")
}

/// A long-running service process started with posix_spawn: stdout and stderr to a log file, no
/// other inherited descriptors, reaped with waitpid on this pid only.
final class ServiceProcess: Sendable {
    let pid: pid_t

    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw HarnessError("cannot start \(executable): errno \(rc)") }
        self.pid = pid
    }

    /// True until the process has exited (and then it is reaped).
    var isRunning: Bool {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        return r == 0
    }
}
