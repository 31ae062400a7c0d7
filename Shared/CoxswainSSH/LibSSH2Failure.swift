import Foundation

/// A failure inside ``LibSSH2Connection``, before the session adds context (host, path) and
/// turns it into an ``SSHError``.
enum LibSSH2Failure: Error {
    /// libssh2 returned an error code; `message` is its last-error text.
    case library(code: Int32, message: String)
    /// A wait for the network passed its deadline; `idle` if it was the per-step idle limit
    /// rather than the operation's overall deadline.
    case timedOut(idle: Bool)
    /// The calling task was cancelled while waiting.
    case cancelled
    /// A system call failed.
    case system(call: String, errno: Int32)

    /// A one-line reason for an ``SSHError``.
    var reason: String {
        switch self {
        case .library(let code, let message): "\(message.isEmpty ? "libssh2 error" : message) (libssh2 \(code))"
        case .timedOut(let idle): idle ? "no progress within the idle timeout" : "deadline passed"
        case .cancelled: "cancelled"
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        }
    }
}
