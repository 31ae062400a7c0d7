/// What to run for a task: an executable, its arguments, its complete environment and its limits.
///
/// Nothing is inherited from the deployer's own process implicitly: `environment` is the child's
/// whole environment (the caller merges node defaults, job variables and secrets into it), and
/// standard input is always `/dev/null`.
package struct ProcessSpec: Sendable, Equatable {
    /// Absolute path of the program to execute; `PATH` is not searched. Defaults to `/bin/sh`.
    package var executable: String
    /// Arguments after `argv[0]` (which is `executable`), e.g. `["-c", "echo hi"]`.
    package var arguments: [String]
    /// The child's full environment. Variable names must be non-empty and must not contain `=`.
    package var environment: [String: String]
    /// Directory the child starts in; `nil` keeps the deployer's current directory.
    package var workingDirectory: String?
    /// How long the process may run before its process group gets SIGTERM.
    package var timeout: Duration
    /// How long after SIGTERM the process group gets SIGKILL.
    package var killGrace: Duration

    /// Creates a spec; see the properties for the meaning of each parameter.
    package init(
        executable: String = "/bin/sh",
        arguments: [String],
        environment: [String: String],
        workingDirectory: String? = nil,
        timeout: Duration,
        killGrace: Duration = .seconds(2)
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.killGrace = killGrace
    }

    /// A spec that runs `command` with `/bin/sh -c`.
    package static func shell(
        _ command: String,
        environment: [String: String],
        workingDirectory: String? = nil,
        timeout: Duration,
        killGrace: Duration = .seconds(2)
    ) -> ProcessSpec {
        ProcessSpec(
            arguments: ["-c", command],
            environment: environment,
            workingDirectory: workingDirectory,
            timeout: timeout,
            killGrace: killGrace
        )
    }
}
