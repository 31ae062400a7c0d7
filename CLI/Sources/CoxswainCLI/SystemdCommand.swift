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
            The central services run as a dedicated user (--user) in the socket's group, hardened \
            (NoNewPrivileges, ProtectSystem, PrivateTmp, …), after rabbitmq-server and postgresql \
            when those run on the machine. The deployer stays root: it runs jobs as root.

            Examples:
              coxswain systemd gateway
              coxswain systemd deployer --config-file /etc/coxswain/deployer.yaml
              coxswain systemd scheduler --output-dir pkg/ --user cxsvc
            """
    )

    @Argument(help: "gateway, scheduler, deployer, audit or bootstrapper.") var service: String
    @Option(help: "The group that may use the gateway's socket, and the services' group.") var group = SystemdUnit.defaultGroup
    @Option(help: "The user the central services run as (the deployer runs as root).") var user = SystemdUnit.defaultUser
    @Option(help: "The configuration file the unit passes to the service.") var configFile = "/etc/coxswain/config.yaml"
    @Option(help: "Where to write the unit.") var outputDir = "/etc/systemd/system"
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
            unit = try SystemdUnit(kind: kind, binaryPath: (path as NSString).standardizingPath, configPath: configFile, group: group, user: user)
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
        if kind != .deployer {
            print(
                "the service runs as \(user): create it once with  groupadd --system \(group); "
                    + "useradd --system --gid \(group) --home-dir /var/lib/coxswain --shell /usr/sbin/nologin \(user)")
            print("and let it read its configuration:  chgrp \(group) \(configFile) && chmod 0640 \(configFile)")
        }
        print("next: systemctl daemon-reload && systemctl enable --now \(unit.fileName)")
    }
}
