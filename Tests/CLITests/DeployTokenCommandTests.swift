import ArgumentParser
import CoxswainCLI
import Testing

/// `coxswain deployment token`: what is refused as a usage error (exit 64) before anything is sent.
@Suite("deployment token: usage checks")
struct DeployTokenCommandTests {
    /// The exit code of parsing `arguments` as the command line: 0 when it parses.
    static func exitCode(_ arguments: [String]) -> Int32 {
        do {
            _ = try CoxswainCommand.parseAsRoot(ArgumentOrder.normalize(arguments))
            return 0
        } catch {
            return CoxswainCommand.exitCode(for: error).rawValue
        }
    }

    @Test("create takes a deployment id, a token name and --expires-in as seconds or 30s, 10m, 2h, 30d")
    func accepted() {
        for arguments in [
            ["deployment", "token", "create", "3f2a", "ci"], ["deployment", "token", "create", "3f2a", "ci-1.main+x", "--expires-in", "90d"],
            ["deployment", "token", "create", "3f2a9c01-0000-4000-8000-000000000001", "ci", "--expires-in", "3600"],
            ["--url", "http://127.0.0.1:28080", "deployment", "token", "create", "3f2a", "ci", "--expires-in", "1m", "-o", "json"],
            ["deployment", "token", "list", "3f2a", "--output", "yaml"], ["deployment", "token", "revoke", "3f2a", "ci"],
        ] {
            #expect(Self.exitCode(arguments) == 0, "\(arguments)")
        }
    }

    @Test("a bad id, name, duration or lifetime out of 1 minute to 366 days exits 64")
    func refused() {
        for arguments in [
            ["deployment", "token", "create", "zz", "ci"], ["deployment", "token", "create", "3f2a", "-ci"],
            ["deployment", "token", "create", "3f2a", "two words"], ["deployment", "token", "create", "3f2a", String(repeating: "a", count: 64)],
            ["deployment", "token", "create", "3f2a", "ci", "--expires-in", "30x"], ["deployment", "token", "create", "3f2a", "ci", "--expires-in", "59s"],
            ["deployment", "token", "create", "3f2a", "ci", "--expires-in", "367d"], ["deployment", "token", "create", "3f2a"],
            ["deployment", "token", "list", "not-hex"], ["deployment", "token", "revoke", "3f2a", ""], ["deployment", "token", "revoke", "3f2a"],
        ] {
            #expect(Self.exitCode(arguments) == 64, "\(arguments)")
        }
    }
}
