/// A piece of a command's output, in the order the server sent it.
package enum SSHOutputChunk: Sendable, Equatable {
    /// Bytes the command wrote to standard output.
    case standardOutput([UInt8])
    /// Bytes the command wrote to standard error.
    case standardError([UInt8])
}
