import Glibc

/// Why ``ProcessRunner`` could not run a process or could not learn how it ended.
///
/// A command that runs and fails is not an error: it is a ``ProcessOutcome`` with a non-zero
/// `exitCode`. In particular a shell that cannot find a command exits with 127. Descriptions
/// never include arguments or environment values, which may hold secrets.
package enum ProcessRunnerError: Error, CustomStringConvertible, Equatable {
    /// The spec cannot be run as given; `reason` is a constant phrase naming the problem.
    case invalidSpec(reason: String)
    /// No thread could be started to supervise the process (the thread limit is reached);
    /// nothing was spawned.
    case threadStartFailed(errno: Int32)
    /// Creating the stdout/stderr pipes failed, usually because the descriptor limit is reached.
    case pipeCreationFailed(errno: Int32)
    /// `posix_spawn` failed: the executable is missing or not executable (`ENOENT`, `EACCES`,
    /// `ENOEXEC`), or the node is out of processes or memory (`EAGAIN`, `ENOMEM`).
    case spawnFailed(errno: Int32, executable: String)
    /// The working directory does not exist, is not a directory or cannot be entered.
    case workingDirectoryUnavailable(errno: Int32, path: String)
    /// The child could not be waited for because something else in the deployer reaped it
    /// (a `waitpid(-1)` elsewhere, or `SIGCHLD` set to `SIG_IGN`); whether it succeeded is unknown.
    case exitStatusUnavailable(errno: Int32)

    /// Whether running the same spec again may succeed without an operator changing anything.
    ///
    /// `exitStatusUnavailable` is not retriable: the command did run, and running it again
    /// would repeat its side effects.
    package var isRetriable: Bool {
        switch self {
        case .invalidSpec, .workingDirectoryUnavailable, .exitStatusUnavailable:
            false
        case .pipeCreationFailed, .threadStartFailed:
            true
        case .spawnFailed(let code, _):
            Self.transientSpawnCodes.contains(code)
        }
    }

    /// A message for operators saying what failed and what to check.
    package var description: String {
        switch self {
        case .invalidSpec(let reason):
            "process spec is invalid: \(reason); fix the task definition"
        case .threadStartFailed(let code):
            "could not start a thread to run a task process: \(Self.describe(code)); "
                + "the deployer is at its thread limit, retry later or run fewer tasks at once"
        case .pipeCreationFailed(let code):
            "could not create output pipes: \(Self.describe(code)); check the deployer's open-file limit"
        case .spawnFailed(let code, let executable):
            "could not start \(executable): \(Self.describe(code)); "
                + (Self.transientSpawnCodes.contains(code)
                    ? "the node is short of processes, memory or descriptors, or the file is being replaced; retry later"
                    : "check that it exists on this node and is executable")
        case .workingDirectoryUnavailable(let code, let path):
            "working directory \(path) is unusable: \(Self.describe(code)); create it or fix its permissions"
        case .exitStatusUnavailable(let code):
            "lost the exit status of a task process: \(Self.describe(code)); "
                + "another component of the deployer reaps child processes, which is a bug to report"
        }
    }

    /// `posix_spawn` failures that go away by themselves.
    private static let transientSpawnCodes: Set<Int32> = [EAGAIN, ENOMEM, EMFILE, ENFILE, ETXTBSY]

    private static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
