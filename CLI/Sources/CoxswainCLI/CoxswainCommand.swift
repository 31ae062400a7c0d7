import ArgumentParser
import CoxswainCore

/// The `coxswain` command line.
package struct CoxswainCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "coxswain",
        abstract: "Coxswain: run commands on fleets of nodes and ship containers to them.",
        discussion: "Talks to the Gateway over its UNIX socket (--socket, COXSWAIN_SOCKET) or over HTTP (--url, COXSWAIN_URL, with --token).",
        version: CoxswainVersion.current,
        subcommands: [
            ExecCommand.self, ManageCommand.self, NodeCommand.self, LoginCommand.self, LogoutCommand.self, WhoAmICommand.self, TeamCommand.self,
            UserCommand.self, TokenCommand.self, AuditCommand.self, KeysCommand.self, NotificationCommand.self, OrchestrateCommand.self, BootstrapCommand.self,
            ContainerCommand.self, ImageCommand.self, RegistryCommand.self, NetworkCommand.self, VolumeCommand.self, SystemdCommand.self,
            ProductCommand.self, VersionCommand.self, DeploymentCommand.self, ApplyCommand.self, ExportCommand.self,
        ]
    )

    package init() {}
}
