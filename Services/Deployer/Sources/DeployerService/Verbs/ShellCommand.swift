import CoxswainCore

/// `/bin/sh -c COMMAND` for a task: in its own process group, with the task's environment on top
/// of the agent's; the task's timeout kills the whole group. RUN and every verb that drives a
/// command on the node (WAIT --cmd/--url, SERVICE, PKG, REBOOT) run through it.
enum ShellCommand {
    static func run(_ command: String, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let runner = ProcessRunner(outputLimit: context.outputLimit)
        var environment = context.environment
        for (k, v) in task.environment { environment[k] = v }
        let spec = ProcessSpec(
            arguments: ["-c", command], environment: environment, workingDirectory: nil,
            timeout: .clampedSeconds(task.timeoutSeconds)
        )
        let emit = context.emit
        let outcome = try await runner.run(spec) { channel, bytes in
            emit(channel == .stdout ? .stdout : .stderr, String(decoding: bytes, as: UTF8.self))
        }
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        if outcome.timedOut {
            return VerbOutcome(
                status: .timedOut, exitCode: outcome.exitCode, stdout: stdout, stderr: stderr, error: "killed after the \(task.timeoutSeconds) s timeout")
        }
        if let code = outcome.exitCode {
            return VerbOutcome(
                status: code == 0 ? .succeeded : .failed, exitCode: code, stdout: stdout, stderr: stderr, error: code == 0 ? nil : "exit code \(code)")
        }
        return VerbOutcome(status: .failed, exitCode: nil, stdout: stdout, stderr: stderr, error: "killed by signal \(outcome.terminationSignal ?? 0)")
    }

    /// A package or service manager's command: never prompts (`DEBIAN_FRONTEND=noninteractive`).
    static func runNoninteractive(_ command: String, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        var task = task
        task.environment["DEBIAN_FRONTEND"] = "noninteractive"
        return try await run(command, task: task, context: context)
    }

    /// Started in its own session with no output kept; the task does not wait for it.
    static func detached(_ command: String) -> String {
        "setsid sh -c \(quote(command)) >/dev/null 2>&1 < /dev/null &"
    }

    /// One shell word, single-quoted.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
