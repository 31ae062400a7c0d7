import ArgumentParser
import CoxswainCatalog
import Foundation

/// `coxswain systemd SERVICE`: writes a systemd unit for one of Coxswain's executables, with the
/// real path of the binary next to this CLI (any install prefix).
package struct SystemdCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "systemd",
        abstract: "Write a systemd unit for gateway, scheduler, deployer, audit or bootstrapper.",
        discussion: """
            Examples:
              coxswain systemd gateway                      # /etc/systemd/system/coxswain-gateway.service
              coxswain systemd deployer --output-dir pkg/ --config-file /etc/coxswain/deployer.yaml
            """
    )

    @Argument(help: "gateway, scheduler, deployer, audit or bootstrapper.") var service: String
    @Option(help: "The group that may use the gateway's socket, and the services' group (default coxswain).") var group = SystemdUnit.defaultGroup
    @Option(help: "The configuration file the unit passes to the service.") var configFile = "/etc/coxswain/config.yaml"
    @Option(help: "Where to write the unit (default /etc/systemd/system).") var outputDir = "/etc/systemd/system"
    @Option(help: "The executable (default: coxswain-SERVICE next to this CLI).") var binary: String?
    @Flag(help: "Overwrite an existing unit.") var force = false

    package init() {}

    package func run() throws {
        guard let kind = SystemdServiceKind(rawValue: service) else {
            throw ValidationError("unknown service '\(service)'; use \(SystemdServiceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = binary ?? ((executable as NSString).deletingLastPathComponent + "/" + kind.executableName)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("\(path) is not an executable; install \(kind.executableName) next to coxswain or give --binary")
        }
        let unit: SystemdUnit
        do {
            unit = try SystemdUnit(kind: kind, binaryPath: (path as NSString).standardizingPath, configPath: configFile, group: group)
        } catch {
            throw ValidationError("\(error)")
        }
        let destination = (outputDir as NSString).appendingPathComponent(unit.fileName)
        if FileManager.default.fileExists(atPath: destination), !force {
            throw ValidationError("\(destination) exists; use --force to overwrite it")
        }
        try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
        try unit.text.write(toFile: destination, atomically: true, encoding: .utf8)
        print("wrote \(destination)")
        print("next: systemctl daemon-reload && systemctl enable --now \(unit.fileName)")
    }
}
