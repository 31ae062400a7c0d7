import Foundation

/// How a process run by ``ProcessRunner`` ended, with its captured output.
package struct ProcessOutcome: Sendable, Equatable {
    /// The exit status passed to `exit`, or `nil` when the process was killed by a signal.
    package var exitCode: Int32?
    /// The signal that killed the process, or `nil` when it exited normally.
    package var terminationSignal: Int32?
    /// Whether the runner signalled the process group because `ProcessSpec.timeout` elapsed.
    package var timedOut: Bool
    /// The first `outputLimit` bytes the process wrote to standard output.
    package var stdout: [UInt8]
    /// The first `outputLimit` bytes the process wrote to standard error.
    package var stderr: [UInt8]
    /// Whether `stdout` or `stderr` lost bytes to the output limit.
    package var truncated: Bool
    /// When the process was spawned.
    package var startedAt: Date
    /// When the process had been reaped and its output drained.
    package var finishedAt: Date

    /// Creates an outcome; see the properties for the meaning of each parameter.
    package init(
        exitCode: Int32?,
        terminationSignal: Int32?,
        timedOut: Bool,
        stdout: [UInt8],
        stderr: [UInt8],
        truncated: Bool,
        startedAt: Date,
        finishedAt: Date
    ) {
        self.exitCode = exitCode
        self.terminationSignal = terminationSignal
        self.timedOut = timedOut
        self.stdout = stdout
        self.stderr = stderr
        self.truncated = truncated
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
