import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs short commands that exit (`ssh-keygen`, `scripts/sshd.sh`) for the tests.
///
/// Not Foundation's `Process`: its completion can wait until every inherited descriptor is
/// closed, which a backgrounded daemon (sshd started by the script) would delay. Here the child
/// inherits no descriptor above 2, its output goes to a temporary file, and `waitpid` runs on a
/// thread of its own (never on the cooperative pool).
enum TestShell {
    /// The exit status and the combined standard output and error of a command.
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    /// Runs `arguments[0]` (an absolute path) with the rest as arguments.
    static func run(_ arguments: [String]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result { try runBlocking(arguments) })
            }
            thread.start()
        }
    }

    /// Runs the command and fails the caller unless it exits with 0; returns its output.
    @discardableResult
    static func check(_ arguments: [String]) async throws -> String {
        let result = try await run(arguments)
        guard result.status == 0 else {
            throw TestFailure("\(arguments.joined(separator: " ")) exited with \(result.status): \(result.output)")
        }
        return result.output
    }

    private static func runBlocking(_ arguments: [String]) throws -> Result {
        let outputPath = NSTemporaryDirectory() + "coxswain-ssh-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw TestFailure("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}

/// A failure of the test harness itself, with a message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
