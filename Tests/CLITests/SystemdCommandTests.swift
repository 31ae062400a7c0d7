import CoxswainCLI
import Foundation
import Testing

@Suite("coxswain systemd")
struct SystemdCommandTests {
    @Test("writes a unit with the binary's real path and the config file; refuses to overwrite without --force")
    func writesUnit() throws {
        let directory = NSTemporaryDirectory() + "systemd-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["gateway", "--binary", "/bin/true", "--output-dir", directory, "--config-file", "/etc/cx/config.yaml", "--group", "ops"]
        var command = try SystemdCommand.parse(arguments)
        try command.run()
        let text = try String(contentsOfFile: directory + "/coxswain-gateway.service", encoding: .utf8)
        #expect(text.contains("ExecStart=/bin/true --config-file /etc/cx/config.yaml") || text.contains("ExecStart=\"/bin/true\""), "\(text)")
        #expect(text.contains("Restart=on-failure") && text.contains("LimitNOFILE=65536") && text.contains("Group=ops"), "\(text)")
        // An existing unit stays unless --force.
        var again = try SystemdCommand.parse(arguments)
        #expect(throws: (any Error).self) { try again.run() }
        var forced = try SystemdCommand.parse(arguments + ["--force"])
        try forced.run()
        // Unknown services and missing binaries are refused with a reason.
        var unknown = try SystemdCommand.parse(["frobber", "--output-dir", directory])
        #expect(throws: (any Error).self) { try unknown.run() }
        var missing = try SystemdCommand.parse(["audit", "--binary", directory + "/nope", "--output-dir", directory])
        #expect(throws: (any Error).self) { try missing.run() }
    }

    @Test(
        "systemd-analyze verify accepts every generated unit (content checks when it is not installed)",
        arguments: ["gateway", "scheduler", "audit", "bootstrapper", "deployer"])
    func verifiesWithSystemd(service: String) async throws {
        let directory = NSTemporaryDirectory() + "systemd-verify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/config.yaml"
        try "log: {level: info}\n".write(toFile: config, atomically: true, encoding: .utf8)
        var command = try SystemdCommand.parse([service, "--binary", "/bin/true", "--output-dir", directory, "--config-file", config, "--user", "root"])
        try command.run()
        let unitPath = directory + "/coxswain-\(service).service"
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
        #expect(text.contains("[Unit]") && text.contains("[Service]") && text.contains("[Install]"), "\(text)")
        #expect(text.contains("User=root") == (service != "deployer"), "\(text)")
        let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let analyze else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no", unitPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Only this unit's own problems count (the host's other units may have theirs).
        let own = output.split(separator: "\n").filter { $0.contains("coxswain-\(service).service") }
        #expect(own.isEmpty, "systemd-analyze verify: \(output)")
    }
}
