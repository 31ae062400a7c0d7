import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain deployment create|list|show|update|remove|deploy|rollback|copy|events|containers|token`:
/// versions of products on nodes under a prefix (members create, edit, deploy and remove them).
package struct DeploymentCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "deployment",
        abstract: "Deployments: a product's version on a node under a prefix (members create, deploy and remove them).",
        discussion: """
            A deployment's configuration has three layers, the later winning: the image's (in the version), the deployment's \
            (--config-file) and each instance's (--instance-config NAME=FILE); show --effective prints the result with the layer \
            of each value. Secret values (--secret, --secrets-file) are sealed and never shown. A deployment id may be shortened \
            to a prefix that only it has.
            Examples:
              coxswain deployment create shop --node node-a --prefix shop --version 1.0 --secret DB_PASSWORD=…
              coxswain deployment deploy 3f2a --stream
              coxswain deployment show 3f2a --effective
              coxswain deployment rollback 91c0 --wait
              coxswain deployment token create 3f2a ci --expires-in 90d   # CI: deployment deploy FULL_ID --token cxd_… --wait
            """,
        subcommands: [
            Create.self, List.self, Show.self, Update.self, Remove.self, Deploy.self, Rollback.self, Copy.self, Events.self, Containers.self,
            Token.self,
        ]
    )
    package init() {}

    /// The deployment and instance layers and the secret values, as create and update take them.
    struct Layers: ParsableArguments {
        @Option(help: "The deployment's configuration layer, YAML or JSON (environment, ports, volumes, …).") var configFile: String?
        @Option(help: "An instance's configuration layer: NAME=FILE, NAME an image of the version (repeatable).") var instanceConfig: [String] = []
        @Option(help: "A secret's value KEY=VALUE (repeatable); prefer --secrets-file, the command line is visible to others.")
        var secret: [String] = []
        @Option(help: "Secret values from a file of KEY=VALUE lines (# comments; read here, sealed by the Gateway).") var secretsFile: String?

        func validate() throws {
            for pair in instanceConfig {
                let (name, _) = try ContainerConfigFlags.keyValue(pair, flag: "--instance-config")
                if !ContainerOperation.isDNSLabel(name) { throw ValidationError("--instance-config \(pair): '\(name)' is not an image name") }
            }
            for pair in secret { _ = try ContainerConfigFlags.keyValue(pair, flag: "--secret") }
        }

        var isEmpty: Bool { configFile == nil && instanceConfig.isEmpty && secret.isEmpty && secretsFile == nil }

        /// Reads the files: the deployment layer, the instance layers and the secret values (nil when not given).
        func read() throws -> (config: ContainerConfig?, instances: [String: ContainerConfig]?, secrets: [String: String]?) {
            func load(_ path: String) throws -> ContainerConfig {
                do {
                    let file = try YAMLFile(path: path)
                    let config = file.root == nil ? ContainerConfig() : try file.decode(ContainerConfig.self)
                    if let problem = config.problems.first { throw file.problem(file.nearestNode(at: problem.path), problem.path, problem.message) }
                    return config
                } catch let error as YAMLFileError {
                    throw error.exit()
                }
            }
            let config = try configFile.map { try load($0) }
            var instances: [String: ContainerConfig] = [:]
            for pair in instanceConfig {
                let (name, path) = try ContainerConfigFlags.keyValue(pair, flag: "--instance-config")
                instances[name] = try load(path)
            }
            var secrets: [String: String] = [:]
            if let secretsFile {
                guard let data = FileManager.default.contents(atPath: (secretsFile as NSString).expandingTildeInPath),
                    let text = String(data: data, encoding: .utf8)
                else { throw ValidationError("--secrets-file \(secretsFile): cannot read it") }
                for (key, value) in ComposeImport.environmentFile(text) { secrets[key] = value }
            }
            for pair in secret {
                let (key, value) = try ContainerConfigFlags.keyValue(pair, flag: "--secret")
                secrets[key] = value
            }
            return (config, instances.isEmpty ? nil : instances, secrets.isEmpty ? nil : secrets)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a deployment, preparing (members); deploy it with `deployment deploy`.")
        @Argument var product: String
        @Option(help: "The node it runs on.") var node: String
        @Option(help: "The name prefix of its containers (<prefix>-<image>, a DNS label).") var prefix: String
        @Option(help: "The version (default: the product's default version).") var version: String?
        @Option(help: "A note for the team.") var note: String?
        @Flag(help: "Protect its node and prefix from deployments of other products.") var protected = false
        @OptionGroup var layers: Layers
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            try DeploymentCommand.validateTarget(node: node, prefix: prefix)
        }
        func run() async throws {
            let (config, instances, secrets) = try layers.read()
            let request = DeploymentRequest(
                product: product, version: version, node: node, prefix: prefix, note: note, protected: protected ? true : nil, config: config,
                instances: instances, secrets: secrets)
            let global = self.global
            try await global.withClient { client in
                let created = try await client.post(APIRoute.createDeployment.path([:]), body: request, as: DeploymentInfo.self)
                try DeploymentCommand.show(created, global)
                if global.output == .table { print("deploy it with: coxswain deployment deploy \(created.id.rawValue.prefix(8)) --wait") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's deployments.")
        @Option(help: "Only this product's.") var product: String?
        @Option(help: "Only those on this node.") var node: String?
        @Option(help: "Only this version's (with --product).") var version: String?
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            if version != nil, product == nil { throw ValidationError("--version goes with --product") }
        }
        func run() async throws {
            let query = [("product", product), ("node", node), ("version", version)].compactMap { key, value in value.map { (key, $0) } }
            let global = self.global
            try await global.withClient { client in
                let deployments = try await client.get(APIRoute.listDeployments.path([:]) + RegistryCommand.queryString(query), as: [DeploymentInfo].self)
                guard global.output == .table else { return try Render.machine(deployments, format: global.output) }
                let rows = deployments.map { d in
                    [
                        String(d.id.rawValue.prefix(8)), d.product, d.version, d.node, d.prefix, d.status.rawValue, String(d.tries),
                        d.protected ? "yes" : "", Render.time(d.updatedAt), Render.firstLine(d.note ?? "", max: 30),
                    ]
                }
                print(Render.table(["ID", "PRODUCT", "VERSION", "NODE", "PREFIX", "STATUS", "TRIES", "PROTECTED", "UPDATED", "NOTE"], rows))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A deployment: status, layers, secrets (names only); --effective: each instance's merged configuration and where each value came from.")
        @Argument(help: "The deployment id, or a prefix of it only it has.") var id: String
        @Flag(help: "Each instance's effective configuration with the layer (image, deployment, instance) of each value.") var effective = false
        @OptionGroup var global: GlobalOptions
        func validate() throws { try DeploymentCommand.validateID(id) }
        func run() async throws {
            let global = self.global
            try await DeploymentCommand.withDeployment(id, global) { client, full in
                let path = APIRoute.getDeployment.path(id: full) + (effective ? "?effective=true" : "")
                try DeploymentCommand.show(try await client.get(path, as: DeploymentInfo.self), global)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a deployment (members): note, protection, layers, secrets; options not given stay as they are (another node or prefix: copy it).")
        @Argument var id: String
        @Option(help: "A new note ('' clears it).") var note: String?
        @Flag(inversion: .prefixedNo, help: "Protect its node and prefix from deployments of other products.") var protected: Bool?
        @OptionGroup var layers: Layers
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            try DeploymentCommand.validateID(id)
            if note == nil, protected == nil, layers.isEmpty { throw ValidationError("nothing to change") }
        }
        func run() async throws {
            let (config, instances, secrets) = try layers.read()
            let request = DeploymentRequest(note: note, protected: protected, config: config, instances: instances, secrets: secrets)
            let global = self.global
            try await DeploymentCommand.withDeployment(id, global) { client, full in
                try DeploymentCommand.show(
                    try await client.send(.PUT, APIRoute.updateDeployment.path(id: full), body: request, as: DeploymentInfo.self), global)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a deployment and its containers from the node (members).")
        @Argument var id: String
        @OptionGroup var global: GlobalOptions
        func validate() throws { try DeploymentCommand.validateID(id) }
        func run() async throws {
            try await DeploymentCommand.withDeployment(id, global) { client, full in
                let answer = try await client.send(.DELETE, APIRoute.removeDeployment.path(id: full), body: nil as String?, as: RemovalAnswer.self)
                print("removed deployment \(full)\(answer.jobID.map { "; its containers are removed by job \($0)" } ?? "")")
            }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a deployment as a new preparing one, on another node and/or prefix (members); secrets are carried to the same node only.")
        @Argument var id: String
        @Option(help: "The copy's node (default: the same).") var node: String?
        @Option(help: "The copy's prefix (default: the same).") var prefix: String?
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            try DeploymentCommand.validateID(id)
            try DeploymentCommand.validateTarget(node: node, prefix: prefix)
        }
        func run() async throws {
            let global = self.global
            try await DeploymentCommand.withDeployment(id, global) { client, full in
                let copied = try await client.post(
                    APIRoute.copyDeployment.path(id: full), body: CopyDeploymentRequest(node: node, prefix: prefix), as: CopyDeploymentResponse.self)
                if let warning = copied.warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
                guard global.output == .table else { return try Render.machine(copied, format: global.output) }
                try DeploymentCommand.show(copied.deployment, global)
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A deployment's recorded events, every try.")
        @Argument var id: String
        @Option(name: .customLong("try"), help: "Only this try's events.") var tryNumber: Int?
        @OptionGroup var global: GlobalOptions
        func validate() throws { try DeploymentCommand.validateID(id) }
        func run() async throws {
            let global = self.global
            try await DeploymentCommand.withDeployment(id, global) { client, full in
                let events = try await client.get(APIRoute.deploymentEvents.path(id: full), as: [DeploymentEventRecord].self)
                    .filter { tryNumber == nil || $0.tryNumber == tryNumber }
                guard global.output == .table else { return try Render.machine(events, format: global.output) }
                let rows = events.map { [String($0.tryNumber), Render.time($0.time), $0.event.kind.rawValue, $0.event.instance ?? "", $0.event.message] }
                print(Render.table(["TRY", "TIME", "KIND", "INSTANCE", "MESSAGE"], rows))
            }
        }
    }

    struct Containers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The containers of a deployment on its node (its prefix), stopped ones too.")
        @Argument var id: String
        @OptionGroup var global: GlobalOptions
        func validate() throws { try DeploymentCommand.validateID(id) }
        func run() async throws {
            let deployment = try await DeploymentCommand.withDeployment(id, global) { client, full in
                try await client.get(APIRoute.getDeployment.path(id: full), as: DeploymentInfo.self)
            }
            var list = try ContainerCommand.List.parse(["--prefix", deployment.prefix, "--all", "--node", deployment.node])
            list.global = global
            try await list.run()
        }
    }

    /// A node's name and a container name prefix, when given.
    static func validateTarget(node: String?, prefix: String?) throws {
        if let node, !NodeName.isValid(node) { throw ValidationError(NodeNameError(name: node).description) }
        if let prefix, !DeploymentPrefix.isValid(prefix) {
            throw ValidationError("--prefix '\(prefix)' is not a DNS label (lowercase letters, digits and '-', 1 to 63)")
        }
    }

    /// A deployment id, or the start of one: hex digits and dashes.
    static func validateID(_ id: String) throws {
        guard (1...36).contains(id.count), id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw ValidationError("'\(id)' is not a deployment id (or the start of one): coxswain deployment list shows them")
        }
    }

    /// Runs `body` with a client and the full id of the deployment `id` names.
    static func withDeployment<T>(_ id: String, _ global: GlobalOptions, _ body: (GatewayClient, String) async throws -> T) async throws -> T {
        try await global.withClient { client in try await body(client, try await resolve(id, client)) }
    }

    /// The full id of the deployment `id` names: itself when complete, else the one deployment of
    /// the team whose id starts with it. None or several end the command with exit code 2.
    static func resolve(_ id: String, _ client: GatewayClient) async throws -> String {
        let lower = id.lowercased()
        if UUID(uuidString: lower) != nil { return lower }
        let all: [DeploymentInfo]
        do {
            all = try await client.get(APIRoute.listDeployments.path([:]), as: [DeploymentInfo].self)
        } catch ClientError.api(let status, _) where status == 403 {
            FileHandle.standardError.write(Data("error: this credential cannot list deployments (a deploy token?): give the deployment's full id\n".utf8))
            throw ExitCode(2)
        }
        let matches = all.filter { $0.id.rawValue.hasPrefix(lower) }
        switch matches.count {
        case 1: return matches[0].id.rawValue
        case 0: FileHandle.standardError.write(Data("error: no deployment of the team has an id starting with \(lower)\n".utf8))
        default:
            let ids = matches.prefix(5).map { "\($0.id) (\($0.product) \($0.version) on \($0.node))" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("error: \(lower) is the start of \(matches.count) deployment ids: \(ids); give more of it\n".utf8))
        }
        throw ExitCode(2)
    }

    /// A deployment's fields, its layers and, when the Gateway sent them, its effective configurations.
    static func show(_ d: DeploymentInfo, _ global: GlobalOptions) throws {
        guard global.output == .table else { return try Render.machine(d, format: global.output) }
        var lines = [
            "id:        \(d.id)", "product:   \(d.product) \(d.version) (\(d.versionKind.rawValue))", "target:    \(d.node), prefix \(d.prefix)",
            "status:    \(d.status.rawValue) (\(d.tries) tr\(d.tries == 1 ? "y" : "ies")\(d.lastJob.map { ", last job \($0)" } ?? ""))",
            "protected: \(d.protected ? "yes" : "no")",
        ]
        if let note = d.note { lines.append("note:      \(note)") }
        if !d.secretNames.isEmpty { lines.append("secrets:   \(d.secretNames.sorted().joined(separator: ", ")) (values never shown)") }
        lines.append("updated:   \(Render.time(d.updatedAt)), created \(Render.time(d.createdAt))")
        if let observed = d.observed {
            let seen = observed.compactMap(\.seenAt).max().map { ", reported \(Render.time($0))" } ?? ""
            lines.append(
                "on node:   "
                    + (observed.isEmpty ? "no containers" : observed.map { "\($0.container) \($0.state)" }.joined(separator: ", ") + seen))
        }
        for line in d.drift ?? [] { lines.append("drift:     \(line)") }
        if let effective = d.effective {
            for (name, instance) in effective.sorted(by: { $0.key < $1.key }) {
                lines += ["", "instance \(name) (effective):", ConfigListing.table(ConfigListing.entries(instance.config), layers: instance.provenance)]
            }
        } else {
            if let config = d.config, config != ContainerConfig() {
                lines += ["", "deployment layer:", ConfigListing.table(ConfigListing.entries(config), layers: nil)]
            }
            for (name, config) in (d.instances ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines += ["", "instance \(name) layer:", ConfigListing.table(ConfigListing.entries(config), layers: nil)]
            }
        }
        print(lines.joined(separator: "\n"))
    }
}

/// The answer to a removal: the job that removes the containers from the node, when there is one.
struct RemovalAnswer: Decodable {
    var jobID: JobID?

    enum CodingKeys: String, CodingKey { case jobID }

    init(from decoder: any Decoder) throws {
        jobID = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(JobID.self, forKey: .jobID)
    }
}
