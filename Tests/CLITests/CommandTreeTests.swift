import ArgumentParser
import CoxswainCLI
import Foundation
import Testing

/// Every command of the CLI answers its own `--help`: ArgumentParser checks a command's options
/// only when that command is parsed (and then ends the process), so a clash — a command's `--url`
/// beside the global `--url` — would otherwise first show up when an operator types it. Runs the
/// built binary (`COXSWAIN_BIN_DIR`, set by scripts/test.sh), one process per command.
@Suite("CLI command tree")
struct CommandTreeTests {
    static let binary = ProcessInfo.processInfo.environment["COXSWAIN_BIN_DIR"].map { $0 + "/coxswain" }

    static func paths(_ command: ParsableCommand.Type, prefix: [String] = []) -> [[String]] {
        let children = command.configuration.subcommands.flatMap { sub -> [[String]] in
            let name = sub.configuration.commandName ?? sub._commandName
            return paths(sub, prefix: prefix + [name])
        }
        return (prefix.isEmpty ? [] : [prefix]) + children
    }

    @Test(
        "every subcommand answers --help (no clashing option names)",
        .enabled(if: binary.map { FileManager.default.isExecutableFile(atPath: $0) } == true, "needs COXSWAIN_BIN_DIR with a built coxswain"))
    func everySubcommandAnswersHelp() throws {
        let all = Self.paths(CoxswainCommand.self)
        #expect(all.count > 40, "\(all.count) commands")
        #expect(all.contains(["registry", "add"]) && all.contains(["container", "run"]))
        for path in all {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary ?? "")
            process.arguments = path + ["--help"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && text.contains("USAGE"), "\(path.joined(separator: " ")) --help: \(text)")
        }
    }
}
