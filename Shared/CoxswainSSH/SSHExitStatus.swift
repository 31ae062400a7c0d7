/// How a remote command ended.
package struct SSHExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// The exit code (0 when the server reported none, for example when killed by a signal).
    package var code: Int32
    /// The signal that ended the command, without the `SIG` prefix (`TERM`, `KILL`), if any.
    package var signal: String?

    /// A status.
    package init(code: Int32, signal: String? = nil) {
        self.code = code
        self.signal = signal
    }

    /// `true` for exit code 0 without a signal.
    package var succeeded: Bool { code == 0 && signal == nil }

    /// `exit 3` or `signal TERM`.
    package var description: String { signal.map { "signal \($0)" } ?? "exit \(code)" }
}
