import ArgumentParser
import CoxswainCatalog
import CoxswainCore
import CoxswainCrypto
import CoxswainTemplating
import Foundation

/// `coxswain bootstrap`: Directord-compatible bootstrap catalogs run over SSH by the
/// Bootstrapper, plus the run records, fetched files, SSH credentials and known host keys.
package struct BootstrapCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Bootstrap machines over SSH from YAML catalogs (Directord-compatible).",
        discussion: """
            Examples:
              coxswain bootstrap --catalog inventory.yaml --catalog deployer-install \\
                --key-file ~/.ssh/id_ed25519 --accept-new-host-keys --stream
              coxswain bootstrap --catalog inventory.yaml \\
                --catalog deployer-rekey-restart --credential ops
              coxswain bootstrap info last
              coxswain bootstrap get RUN_ID thing.conf --host web-1
            A catalog named without a path or '.yaml' (deployer-install,
            deployer-upgrade, deployer-rekey-restart) is a built-in catalog.
            """,
        subcommands: [
            BootstrapRunCommand.self, BootstrapListCommand.self, BootstrapInfoCommand.self, BootstrapGetCommand.self, BootstrapCredentialCommand.self,
            BootstrapKnownHostsCommand.self, BootstrapForgetHostCommand.self,
        ],
        defaultSubcommand: BootstrapRunCommand.self
    )

    package init() {}
}

/// `coxswain bootstrap [run] --catalog FILE…`
package struct BootstrapRunCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "run", abstract: "Run catalogs (the default).")

    @Option(name: .long, help: "A catalog file (repeatable; deep-merged in order) or a built-in catalog's name.") var catalog: [String] = []
    @Option(help: "Clients bootstrapped at once (default: the catalog's coxswain_clients.threads, else 10).") var threads: Int?
    @Option(help: "A private key for this run only: read here, sealed for the run, erased when it ends, never logged.") var keyFile: String?
    @Option(help: "The environment variable holding --key-file's passphrase.") var passphraseEnv: String?
    @Option(help: "A stored SSH credential of the team (coxswain bootstrap credential add).") var credential: String?
    @Flag(help: "Trust host keys never seen before (recorded and audited); a changed key is refused anyway.") var acceptNewHostKeys = false
    @Option(help: "Default SSH user for targets that name none (default: you).") var user: String?
    @Flag(help: "Wait for the run, then print each host's outcome.") var wait = false
    @Flag(help: "Stream every host's output live, then print each host's outcome.") var stream = false
    @Flag(help: "Print the plan (hosts and rendered steps) and submit nothing.") var plan = false
    @Flag(help: "Exit with code 1 if any host failed (waits like --wait unless --stream).") var check = false
    @OptionGroup var global: GlobalOptions

    package init() {}

    package func validate() throws {
        guard !catalog.isEmpty else { throw ValidationError("give at least one --catalog") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1...256") }
        guard !(wait && stream) else { throw ValidationError("use only one of --wait, --stream") }
        if plan, wait || stream || check { throw ValidationError("--plan submits nothing: drop --wait, --stream and --check") }
    }

    package func run() async throws {
        // A missing catalog is a bad input file like an invalid one (exit 2, as `orchestrate` does).
        let files: [String]
        do {
            files = try catalog.map(Self.resolve)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\nnothing was submitted\n".utf8))
            throw ExitCode(2)
        }
        let bootstrapPlan: BootstrapPlan
        var threads = self.threads ?? 10
        do {
            var merged = try Catalog(yaml: Self.defaults(global: global), file: "<coxswain defaults>", baseDirectory: FileManager.default.currentDirectoryPath)
            merged.merge(try Catalog.load(files: files))
            var planner = CatalogPlanner(defaultUsername: user ?? ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
            planner.targetExtras = ["enrolment_token": .string(Self.enrolmentTokenPlaceholder)]
            bootstrapPlan = try planner.plan(merged)
            for key in ["coxswain_clients", "directord_clients"] {
                if self.threads == nil, case .map(let section) = merged.variables[key], case .int(let n) = section["threads"], (1...256).contains(n) {
                    threads = n
                }
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\nnothing was submitted\n".utf8))
            throw ExitCode(2)
        }
        if plan {
            let hosts = bootstrapPlan.hosts.map { host in
                PlannedHost(
                    role: host.role.rawValue, name: host.name, username: host.username, host: host.host, port: Int(host.port),
                    steps: host.steps.map { PlannedHost.Step(label: $0.label, origin: "\($0.origin)") })
            }
            try global.emit(hosts) { hosts in
                hosts.map { host in
                    (["\(host.role) \(host.name) (\(host.username)@\(host.host):\(host.port))"]
                        + host.steps.enumerated().map { i, step in "  \(i + 1). \(step.label)  [\(step.origin)]" }).joined(separator: "\n")
                }.joined(separator: "\n")
            }
            return
        }
        var privateKey: String?
        if let keyFile {
            guard let text = try? String(contentsOfFile: (keyFile as NSString).expandingTildeInPath, encoding: .utf8) else {
                throw ValidationError("--key-file \(keyFile): cannot read it")
            }
            privateKey = text
        }
        let passphrase = passphraseEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        let global = self.global
        let (accept, credential, watch) = (acceptNewHostKeys, self.credential, wait || stream || check)
        let chosenThreads = threads
        let streaming = stream
        let failed = try await global.withClient { client -> Bool in
            var request = BootstrapRunRequest(
                plan: bootstrapPlan, threads: chosenThreads, acceptNewHostKeys: accept, privateKey: privateKey, passphrase: passphrase, credential: credential
            )
            // ADD sources travel as content-addressed artifacts, uploaded once.
            var replacements: [String: BootstrapSource] = [:]
            for path in bootstrapPlan.localSources {
                let digest = try Artifacts.digest(ofFileAt: path)
                let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
                try await client.uploadArtifact(path: path, digest: digest, size: size)
                replacements[path] = .artifact(digest: digest, size: size)
            }
            request.plan.replaceSources(replacements)
            let accepted = try await client.send(.POST, APIRoute.submitBootstrap.path, body: request, as: BootstrapRunAccepted.self)
            guard watch else {
                if global.output == .table { print(accepted.runID) } else { try Render.machine(accepted, format: global.output) }
                return false
            }
            let detail = try await BootstrapWatcher(client: client, runID: accepted.runID, stream: streaming, format: global.output).run()
            return detail.run.status != .succeeded
        }
        if failed { throw ExitCode(1) }
    }

    static let enrolmentTokenPlaceholder = "@@COXSWAIN_ENROLMENT_TOKEN@@"

    /// Variables every catalog sees under `coxswain` (a catalog may override them).
    static func defaults(global: GlobalOptions) -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let directory = (executable as NSString).deletingLastPathComponent
        var gateway = ""
        if case .http(let base, _) = global.endpoint() { gateway = base }
        if case .session(let base, _) = global.endpoint() { gateway = base }
        return """
            coxswain:
              version: "\(CoxswainVersion.current)"
              deployer_binary: "\(directory)/coxswain-deployer"
              gateway_url: "\(gateway)"
            """
    }

    /// A catalog argument: a file, or a built-in catalog's name.
    static func resolve(_ name: String) throws -> String {
        if FileManager.default.fileExists(atPath: name) { return name }
        guard !name.contains("/") else { throw ValidationError("--catalog \(name): no such file") }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let bin = (executable as NSString).deletingLastPathComponent
        var directories = [ProcessInfo.processInfo.environment["COXSWAIN_CATALOG_DIR"]].compactMap { $0 }
        directories += [bin + "/../../catalogs", bin + "/../../../catalogs", bin + "/../share/coxswain/catalogs", "/usr/share/coxswain/catalogs"]
        for directory in directories {
            for candidate in [directory + "/" + name, directory + "/" + name + ".yaml"] where FileManager.default.fileExists(atPath: candidate) {
                return (candidate as NSString).standardizingPath
            }
        }
        throw ValidationError("--catalog \(name): no such file, and no built-in catalog of that name (set COXSWAIN_CATALOG_DIR)")
    }
}

/// One host of `bootstrap --plan`, as printed (`--output json|yaml|ndjson` too).
struct PlannedHost: Codable, Sendable {
    struct Step: Codable, Sendable {
        var label: String
        var origin: String
    }

    var role: String
    var name: String
    var username: String
    var host: String
    var port: Int
    var steps: [Step]
}

/// Follows a run's events and prints them; returns the final detail.
struct BootstrapWatcher {
    let client: GatewayClient
    let runID: String
    let stream: Bool
    let format: OutputFormat

    func run() async throws -> BootstrapRunDetail {
        let human = format == .table
        let decoder = WireCoding.decoder()
        var buffers: [String: String] = [:]
        let client = self.client
        let runID = self.runID
        // Progress while waiting (hosts done/total, failed, elapsed, the hosts waited on longest);
        // Ctrl-C detaches; the run continues on the Bootstrapper.
        let progress = ProgressReporter(label: "bootstrap run \(runID)")
        let detach = InterruptDetach(hint: "coxswain bootstrap info \(runID)") { progress.stop() }
        defer {
            progress.stop()
            detach.remove()
        }
        if let detail = try? await client.get(APIRoute.getBootstrap.path(id: runID), as: BootstrapRunDetail.self) {
            progress.update { $0.reset(detail) }
        }
        // Streamed output prints its own lines; a redrawn line would tear them.
        if !(progress.terminal && stream) { progress.start() }
        let events = format == .ndjson
        try await client.follow(
            APIRoute.bootstrapEvents.path(id: runID),
            waitingFor: {
                guard let run = try? await client.get(APIRoute.getBootstrap.path(id: runID), as: BootstrapRunDetail.self) else {
                    return "bootstrap run \(runID): the gateway does not answer yet"
                }
                return "bootstrap run \(runID) is \(run.run.status)"
            }
        ) { event in
            if events, event.name != StreamEventName.end.rawValue { print(Render.ndjsonEvent(name: event.name, data: event.data)) }
            guard event.name == StreamEventName.bootstrap.rawValue, let e = try? decoder.decode(BootstrapEvent.self, from: Data(event.data)) else {
                return
            }
            let host = e.host ?? "-"
            switch e.kind {
            case .runStarted:
                if let detail = try? await client.get(APIRoute.getBootstrap.path(id: runID), as: BootstrapRunDetail.self) {
                    progress.update { $0.reset(detail) }
                }
            case .hostStarted: progress.update { $0.started(node: host, at: e.time) }
            case .hostFinished: progress.update { $0.finished(node: host, status: e.status == "succeeded" ? .succeeded : .failed, at: e.time) }
            default: break
            }
            guard human else { return }
            switch e.kind {
            case .hostStarted: print("\(host): started")
            case .output where stream:
                var text = (buffers[host] ?? "") + (e.text ?? "")
                while let newline = text.firstIndex(of: "\n") {
                    print("\(host) | \(e.label == "stderr" ? "! " : "")\(text[..<newline])")
                    text = String(text[text.index(after: newline)...])
                }
                buffers[host] = text
            case .stepFinished where stream || e.status != "succeeded":
                print("\(host): step \((e.step ?? 0) + 1) \(e.status ?? "?")\(e.text.map { ": \($0)" } ?? "")")
            case .hostFinished: print("\(host): \(e.status ?? "?")\(e.text.map { " (\($0))" } ?? "")")
            default: break
            }
        }
        progress.stop()
        let detail = try await client.getRetrying(APIRoute.getBootstrap.path(id: runID), as: BootstrapRunDetail.self)
        if human { print(BootstrapInfoCommand.summary(detail)) } else { try Render.machine(detail, format: format) }
        return detail
    }
}

package struct BootstrapListCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "list", abstract: "List bootstrap runs, newest first.")
    @Option(help: "How many runs, newest first.") var limit = 50
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        let limit = self.limit
        try await global.withClient { client in
            let runs = try await client.get(APIRoute.listBootstrap.path + "?limit=\(limit)", as: [BootstrapRunSummary].self)
            try global.emit(runs) { runs in
                Render.table(
                    ["ID", "STATUS", "HOSTS", "OK", "FAILED", "BY", "CREATED"],
                    runs.map {
                        [
                            "\($0.id.uuidString.lowercased())", $0.status.rawValue, "\($0.hosts)", "\($0.succeeded)", "\($0.failed)", $0.submittedBy,
                            Render.time($0.createdAt),
                        ]
                    }
                )
            }
        }
    }
}

package struct BootstrapInfoCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "info", abstract: "One run: every host and step with its output.")
    @Argument(help: "A run id or 'last'.") var run: String
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        let id = self.run
        try await global.withClient { client in
            let detail = try await client.get(APIRoute.getBootstrap.path(id: id), as: BootstrapRunDetail.self)
            try global.emit(detail) { Self.describe($0) }
        }
    }

    static func summary(_ d: BootstrapRunDetail) -> String {
        var lines = [
            "run \(d.run.id.uuidString.lowercased()): \(d.run.status) (\(d.run.succeeded)/\(d.run.hosts) hosts succeeded)\(d.run.error.map { ": \($0)" } ?? "")"
        ]
        lines.append(
            Render.table(
                ["HOST", "ROLE", "ADDRESS", "STATUS", "STEPS", "ERROR"],
                d.hosts.map { h in
                    [
                        h.name, h.role, "\(h.username)@\(h.host):\(h.port)", h.status.rawValue,
                        "\(h.steps.filter { $0.status == .succeeded }.count)/\(h.steps.count)", Render.firstLine(h.error ?? "", max: 80),
                    ]
                }
            )
        )
        if !d.files.isEmpty { lines.append("fetched: " + d.files.map { "\($0.host):\($0.localName) (\($0.size) bytes)" }.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    static func describe(_ d: BootstrapRunDetail) -> String {
        var lines = [summary(d)]
        for h in d.hosts {
            lines.append("")
            lines.append("[\(h.name)] \(h.status)\(h.error.map { ": \($0)" } ?? "")")
            for s in h.steps {
                lines.append("  \(s.seq + 1). \(s.status)\(s.exitCode.map { " (exit \($0))" } ?? "")  \(Render.firstLine(s.label, max: 100))")
                if !s.output.isEmpty {
                    lines.append(s.output.split(separator: "\n", omittingEmptySubsequences: false).map { "     " + $0 }.joined(separator: "\n"))
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

package struct BootstrapGetCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "get", abstract: "Download a file a GET brought back.")
    @Argument(help: "The run id.") var run: String
    @Argument(help: "The file's local name (as the catalog's GET named it) or its remote path.") var path: String
    @Option(help: "The host it came from, when several sent one.") var host: String?
    @Option(help: "Write it here (default: its base name in the current directory).") var outputFile: String?
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        var query = "name=\(path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? path)"
        if let host { query += "&host=\(host)" }
        let destination = outputFile ?? (path as NSString).lastPathComponent
        let (run, q) = (self.run, query)
        let bytes = try await global.withClient { client in try await client.bytes(APIRoute.bootstrapFile.path(id: run) + "?\(q)") }
        try Data(bytes).write(to: URL(fileURLWithPath: destination))
        print("wrote \(bytes.count) bytes to \(destination)")
    }
}

package struct BootstrapCredentialCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "credential", abstract: "SSH credentials stored sealed for the team (admins): add NAME --key-file F | list | remove NAME."
    )
    @Argument(help: "add, list or remove.") var action: String
    @Argument(help: "The credential's name.") var name: String?
    @Option(help: "With add: the private key file.") var keyFile: String?
    @Option(help: "With add: the environment variable holding the key's passphrase.") var passphraseEnv: String?
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        switch action {
        case "add":
            guard let name, let keyFile, let key = try? String(contentsOfFile: (keyFile as NSString).expandingTildeInPath, encoding: .utf8) else {
                throw ValidationError("usage: coxswain bootstrap credential add NAME --key-file PATH")
            }
            let request = SSHCredentialRequest(name: name, privateKey: key, passphrase: passphraseEnv.flatMap { ProcessInfo.processInfo.environment[$0] })
            _ = try await global.withClient { client in try await client.post(APIRoute.addCredential.path, body: request, as: [String: String].self) }
            print("stored SSH credential \(name) (sealed; the key is never shown again)")
        case "list":
            try await global.withClient { client in
                let list = try await client.get(APIRoute.listCredentials.path, as: [SSHCredentialInfo].self)
                try global.emit(list) { Render.table(["NAME", "BY", "CREATED"], $0.map { [$0.name, $0.createdBy, Render.time($0.createdAt)] }) }
            }
        case "remove":
            guard let name else { throw ValidationError("usage: coxswain bootstrap credential remove NAME") }
            _ = try await global.withClient { client in
                try await client.send(.DELETE, APIRoute.removeCredential.path(name: name), body: nil as String?, as: [String: String].self)
            }
            print("removed SSH credential \(name)")
        default:
            throw ValidationError("unknown action '\(action)'; use add, list or remove")
        }
    }
}

package struct BootstrapKnownHostsCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "known-hosts", abstract: "The host keys the team trusts.")
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        try await global.withClient { client in
            let hosts = try await client.get(APIRoute.listKnownHosts.path, as: [KnownHostInfo].self)
            try global.emit(hosts) {
                Render.table(
                    ["HOST", "PORT", "ALGORITHM", "FINGERPRINT", "ADDED BY"], $0.map { [$0.host, "\($0.port)", $0.algorithm, $0.fingerprint, $0.addedBy] })
            }
        }
    }
}

package struct BootstrapForgetHostCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "forget-host", abstract: "Forget a host's keys (after a legitimate re-install; admins).")
    @Argument(help: "The host as catalogs name it.") var host: String
    @Option(help: "Its SSH port (default 22).") var port = 22
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let global = self.global
        let (host, port) = (self.host, self.port)
        let answer = try await global.withClient { client in
            try await client.send(.DELETE, APIRoute.forgetKnownHost.path(host: host) + "?port=\(port)", body: nil as String?, as: [String: String].self)
        }
        print("forgot \(answer["removed"] ?? "0") key(s) of \(host):\(port)")
    }
}
