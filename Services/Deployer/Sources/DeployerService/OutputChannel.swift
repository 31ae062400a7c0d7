/// Which of a child process's output streams a chunk of bytes came from.
package enum OutputChannel: String, Sendable, Codable {
    /// The child's standard output (file descriptor 1).
    case stdout
    /// The child's standard error (file descriptor 2).
    case stderr
}
