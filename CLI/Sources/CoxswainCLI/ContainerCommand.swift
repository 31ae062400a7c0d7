import ArgumentParser
import CoxswainConfig
import CoxswainCore
import Foundation

/// `coxswain container …`, `coxswain image …`, `coxswain network list`, `coxswain volume list`:
/// container operations on nodes' engines. Each is a signed, audited task through the job
/// machinery (`POST /v1/containers/{read,control,admin}`, by the role the action needs: viewers
/// read, members start/stop/restart/pull, admins remove and prune); the CLI waits for it and prints
/// every node's answer.
package struct ContainerCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "container", abstract: "Containers on the nodes' engines (Podman or Docker).",
        subcommands: [List.self, Inspect.self, Logs.self, Run.self, Start.self, Stop.self, Restart.self, Remove.self]
    )
    package init() {}

    /// Which nodes, and how long the task may take.
    struct Targeting: ParsableArguments {
        @Option(name: .customLong("node"), help: "A node to ask (repeatable; default: every online node of the team).") var nodes: [String] = []
        @Option(name: .customLong("timeout"), help: "How long the operation may take on a node: seconds or 90s, 10m, 1h (default 60s; logs --follow: 1h).")
        var timeoutArgument: DurationArgument?
        /// `--timeout` in seconds.
        var timeout: Double? { timeoutArgument?.seconds }

        func validate() throws {
            if let bad = nodes.first(where: { !NodeName.isValid($0) }) { throw ValidationError(NodeNameError(name: bad).description) }
            if let timeout, !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be in (0, 86400] seconds") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List containers (running ones; --all for every one).")
        @Option(help: "Only containers Coxswain labelled with this prefix.") var prefix: String?
        @Flag(help: "Stopped containers too.") var all = false
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .list, prefix: prefix, all: all), targeting, global) { detail in
                var rows: [[String]] = []
                for task in detail.tasks.sorted(by: { $0.node < $1.node }) where task.status == .succeeded {
                    let containers = (try? JSONDecoder().decode([ContainerInfo].self, from: Data(task.stdout.utf8))) ?? []
                    for c in containers {
                        rows.append([task.node, c.name, c.image, c.state, c.status ?? "", c.ports.joined(separator: ",")])
                    }
                }
                return ([Render.table(["NODE", "NAME", "IMAGE", "STATE", "STATUS", "PORTS"], rows)] + ContainerCommand.failures(detail)).joined(separator: "\n")
            }
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A container's state and configuration (environment names only).")
        @Argument var container: String
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .inspect, container: container), targeting, global, render: ContainerCommand.perNode)
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A container's output; --follow streams it live (from several nodes at once too).")
        @Argument var container: String
        @Flag(help: "Keep streaming new lines (until the container stops, --timeout, or Ctrl-C).") var follow = false
        @Option(help: "Only the last N lines.") var tail: Int?
        @Option(help: "Only lines newer than this: seconds or 30s, 10m, 2h, 1d.") var since: String?
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            var sinceSeconds: Int?
            if let since {
                guard let duration = ConfigReaderStack.parseDuration(since), duration.components.seconds <= 315_360_000 else {
                    throw ValidationError("--since takes a duration: seconds or 30s, 10m, 2h, 1d (at most 10 years)")
                }
                sinceSeconds = Int(duration.components.seconds)
            }
            let op = ContainerOperation(action: .logs, container: container, follow: follow, tail: tail, sinceSeconds: sinceSeconds)
            try await ContainerCommand.perform(op, targeting, global, stream: follow) { detail in
                if follow { return detail.tasks.compactMap { task in task.error.map { "\(task.node): \($0)" } }.joined(separator: "\n") }
                return detail.tasks.sorted { $0.node < $1.node }.map { task in
                    let text = task.status == .succeeded ? task.stdout + task.stderr : "error: \(task.error ?? task.status.rawValue)\n"
                    return detail.tasks.count > 1
                        ? text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(task.node) | \($0)" }.joined(separator: "\n") : text
                }.joined(separator: "\n")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull an image and start it as <prefix>-<name> on the nodes (members); pull progress is streamed.",
            discussion: "Replacing, health checks and rollback are what deployments do; run starts one container and refuses an existing name.")
        @Argument var image: String
        @Option(help: "The name prefix (a DNS label), which list/remove --prefix select by.") var prefix: String
        @Option(help: "The name after the prefix (a DNS label).") var name: String
        @Option(name: [.customShort("p"), .customLong("publish")], help: "[HOST_IP:]HOST_PORT:CONTAINER_PORT[/udp] (repeatable).") var publish: [String] = []
        @Option(help: "A team registry: completes the image and lends its credentials.") var registry: String?
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(
                .run(image: image, prefix: prefix, name: name, ports: publish), targeting, global, stream: true, registry: registry,
                render: ContainerCommand.perNode)
        }
    }

    struct Start: SingleContainerCommand {
        static let configuration = CommandConfiguration(abstract: "Start a container (members).")
        static let action = ContainerOperation.Action.start
        @Argument var container: String
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        var time: Int? { nil }
    }

    struct Stop: SingleContainerCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a container (members): SIGTERM, then SIGKILL after --time.")
        static let action = ContainerOperation.Action.stop
        @Argument var container: String
        @Option(help: "Seconds to wait before the engine kills it (default 10).") var time: Int?
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
    }

    struct Restart: SingleContainerCommand {
        static let configuration = CommandConfiguration(abstract: "Restart a container (members).")
        static let action = ContainerOperation.Action.restart
        @Argument var container: String
        @Option(help: "Seconds to wait before the engine kills it (default 10).") var time: Int?
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a container, or every one Coxswain labelled with --prefix (admins).")
        @Argument var container: String?
        @Option(help: "Remove every container Coxswain labelled with this prefix.") var prefix: String?
        @Flag(help: "Also when it is running.") var force = false
        @OptionGroup var targeting: Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(
                ContainerOperation(action: .remove, container: container, prefix: prefix, force: force), targeting, global, render: ContainerCommand.perNode)
        }
    }

    /// Sends `operation` to the route its action's role needs, waits for every node's answer and
    /// prints `render(detail)` (JSON/YAML of the job with `--output`). Exits 1 when a node failed,
    /// 64 for an operation refused before anything was sent.
    static func perform(
        _ operation: ContainerOperation, _ targeting: Targeting, _ global: GlobalOptions, stream: Bool = false, registry: String? = nil,
        render: @escaping @Sendable (JobDetail) -> String
    ) async throws {
        if let problem = operation.problem { throw ValidationError(problem) }
        let request = ContainerOperationRequest(
            operation: operation, targets: targeting.nodes.isEmpty ? nil : targeting.nodes,
            timeoutSeconds: targeting.timeout ?? (operation.follow == true ? 3600 : nil), registry: registry
        )
        let failed = try await global.withClient { client -> Bool in
            let accepted = try await client.post(APIRoute.containers(for: operation.action).path, body: request, as: SubmitJobResponse.self)
            let watcher = JobWatcher(client: client, jobID: accepted.jobID, mode: stream ? .streamQuiet : .quiet, format: global.output)
            let detail = try await watcher.run()
            if global.output == .table {
                let text = render(detail)
                if !text.isEmpty { print(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
            } else {
                try Render.machine(detail, format: global.output)
            }
            return detail.job.status != .succeeded
        }
        if failed { throw ExitCode(1) }
    }

    /// One line (or JSON document) per node: its answer, or its error.
    @Sendable static func perNode(_ detail: JobDetail) -> String {
        if detail.tasks.isEmpty { return "no node answered: \(detail.job.error ?? "no online node in the team")" }
        return detail.tasks.sorted { $0.node < $1.node }.map { task in
            task.status == .succeeded
                ? "\(task.node): \(task.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"
                : "\(task.node): error: \(task.error ?? task.status.rawValue)"
        }.joined(separator: "\n")
    }
}

/// A command acting on one named container (start, stop, restart): one line per node.
protocol SingleContainerCommand: AsyncParsableCommand {
    static var action: ContainerOperation.Action { get }
    var container: String { get }
    var time: Int? { get }
    var targeting: ContainerCommand.Targeting { get }
    var global: GlobalOptions { get }
}

extension SingleContainerCommand {
    func run() async throws {
        try await ContainerCommand.perform(
            ContainerOperation(action: Self.action, container: container, timeSeconds: time), targeting, global, render: ContainerCommand.perNode)
    }
}

/// `coxswain image list|pull|remove|prune`.
package struct ImageCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Images on the nodes' engines.", subcommands: [List.self, Pull.self, Remove.self, Prune.self]
    )
    package init() {}

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List images.")
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .imageList), targeting, global) { detail in
                var rows: [[String]] = []
                for task in detail.tasks.sorted(by: { $0.node < $1.node }) where task.status == .succeeded {
                    for image in (try? JSONDecoder().decode([[String: String]].self, from: Data(task.stdout.utf8))) ?? [] {
                        rows.append([task.node, image["tags"] ?? "", String((image["id"] ?? "").prefix(19)), image["size"] ?? ""])
                    }
                }
                return ([Render.table(["NODE", "TAGS", "ID", "SIZE"], rows)] + ContainerCommand.failures(detail)).joined(separator: "\n")
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull an image on the nodes (members); progress is streamed.",
            discussion: "With --registry NAME the image is relative to that team registry (demo/httpd:1) and the nodes get its credentials.")
        @Argument var image: String
        @Option(help: "A team registry (coxswain registry list): completes the image and lends its credentials.") var registry: String?
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(
                ContainerOperation(action: .imagePull, image: image), targeting, global, stream: true, registry: registry, render: ContainerCommand.perNode)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an image (admins).")
        @Argument var image: String
        @Flag(help: "Also when a container uses it.") var force = false
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(
                ContainerOperation(action: .imageRemove, force: force, image: image), targeting, global, render: ContainerCommand.perNode)
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove dangling images (admins).")
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .imagePrune), targeting, global, render: ContainerCommand.perNode)
        }
    }
}

/// `coxswain network list`.
package struct NetworkCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "network", abstract: "Networks on the nodes' engines.", subcommands: [List.self])
    package init() {}

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List networks.")
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .networkList), targeting, global) { detail in
                ContainerCommand.resourceTable(detail, columns: ["name", "driver", "id"])
            }
        }
    }
}

/// `coxswain volume list`.
package struct VolumeCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "volume", abstract: "Volumes on the nodes' engines.", subcommands: [List.self])
    package init() {}

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List volumes.")
        @OptionGroup var targeting: ContainerCommand.Targeting
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await ContainerCommand.perform(ContainerOperation(action: .volumeList), targeting, global) { detail in
                ContainerCommand.resourceTable(detail, columns: ["name", "driver", "mountpoint"])
            }
        }
    }
}

extension ContainerCommand {
    /// A table of the nodes' answers that are lists of string maps (networks, volumes).
    static func resourceTable(_ detail: JobDetail, columns: [String]) -> String {
        var rows: [[String]] = []
        for task in detail.tasks.sorted(by: { $0.node < $1.node }) where task.status == .succeeded {
            for item in (try? JSONDecoder().decode([[String: String]].self, from: Data(task.stdout.utf8))) ?? [] {
                rows.append([task.node] + columns.map { item[$0] ?? "" })
            }
        }
        return ([Render.table(["NODE"] + columns.map { $0.uppercased() }, rows)] + failures(detail)).joined(separator: "\n")
    }

    /// One line per node that did not answer: its error (no engine, the engine refused, …).
    static func failures(_ detail: JobDetail) -> [String] {
        var lines = detail.tasks.filter { $0.status != .succeeded }.sorted { $0.node < $1.node }.map { "\($0.node): error: \($0.error ?? $0.status.rawValue)" }
        if detail.tasks.isEmpty, let error = detail.job.error { lines.append("error: \(error)") }
        return lines
    }
}
