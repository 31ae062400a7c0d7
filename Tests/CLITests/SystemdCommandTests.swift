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
}
