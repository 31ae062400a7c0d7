/// The outcome of ``ContainerEngine/exec(_:command:environment:user:workingDirectory:timeout:)``.
package struct ExecResult: Sendable, Equatable {
    /// Exit code of the command.
    package let exitCode: Int64
    /// Standard output (at most ``ContainerEngine/maximumExecOutputBytes``).
    package let stdout: String
    /// Standard error (at most ``ContainerEngine/maximumExecOutputBytes``).
    package let stderr: String

    /// An exec outcome.
    package init(exitCode: Int64, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
}
