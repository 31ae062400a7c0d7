/// A raw status from `waitpid`, decoded the way the C `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG`
/// macros do (Swift cannot import those macros).
struct WaitStatus: Equatable {
    /// The integer `waitpid` stored.
    var rawValue: Int32

    /// The exit status when the process exited normally, else `nil`.
    var exitCode: Int32? {
        rawValue & 0x7f == 0 ? (rawValue >> 8) & 0xff : nil
    }

    /// The signal that terminated the process, else `nil` (also `nil` for stop/continue reports).
    var terminationSignal: Int32? {
        let signal = rawValue & 0x7f
        return signal != 0 && signal != 0x7f ? signal : nil
    }
}
