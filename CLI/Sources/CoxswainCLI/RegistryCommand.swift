import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain registry add|list|show|update|remove|check|browse`: the team's image registries.
package struct RegistryCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "The team's image registries: add, check and browse them (admins change, everyone reads).",
        discussion: """
            Kinds: v2 (any Distribution registry: --server host[:port][/path]), hub (Docker Hub, --namespace), github (ghcr.io, --namespace), \
            gitlab (--namespace, --server and --api-url when self-managed), google (gcr.io or REGION-docker.pkg.dev, --namespace PROJECT), \
            unchecked (no catalog; without --server: images already on the nodes). Passwords are read from --password-stdin or \
            COXSWAIN_REGISTRY_PASSWORD, never from the command line, and are never shown again.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, Check.self, Browse.self]
    )
    package init() {}

    /// The fields add and update share.
    struct Fields: ParsableArguments {
        // `--url` is the Gateway's (global option); the registry's address is its server.
        @Option(name: .customLong("server"), help: "host[:port][/path], no scheme (v2, gitlab self-managed, google, unchecked).") var url: String?
        @Option(help: "User, organisation, group or project to browse (hub, github, gitlab, google).") var namespace: String?
        @Option(help: "GitLab API root of a self-managed instance (https://gitlab.example.com).") var apiURL: String?
        @Flag(inversion: .prefixedNo, help: "Plain HTTP instead of HTTPS (a registry on loopback or a lab network).") var plainHTTP: Bool?
        @Option(help: "Registry user (with a password from --password-stdin or COXSWAIN_REGISTRY_PASSWORD).") var username: String?
        @Flag(help: "Read the password or token from standard input (one line).") var passwordStdin = false
        @Option(help: "A note for the team.") var description: String?

        func password(required: Bool) throws -> String? {
            if passwordStdin { return try readPassword(fromStdin: true, prompt: "", environmentKey: "COXSWAIN_REGISTRY_PASSWORD") }
            if let env = ProcessInfo.processInfo.environment["COXSWAIN_REGISTRY_PASSWORD"], !env.isEmpty { return env }
            guard required else { return nil }
            return try readPassword(fromStdin: false, prompt: "Password for \(username ?? "the registry"): ", environmentKey: "COXSWAIN_REGISTRY_PASSWORD")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a registry to the team (admins).")
        @Argument(help: "Its name in the team (lowercase letters, digits, '-').") var name: String
        @Option(help: "v2, hub, github, gitlab, google or unchecked.") var kind: String
        @OptionGroup var fields: Fields
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            guard let kind = RegistryKind(rawValue: kind) else {
                throw ValidationError("--kind must be one of \(RegistryKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kind)'")
            }
            let request = RegistryRequest(
                name: name, kind: kind, url: fields.url, namespace: fields.namespace, apiURL: fields.apiURL, plainHTTP: fields.plainHTTP,
                username: fields.username, password: try fields.password(required: fields.username != nil), description: fields.description)
            // Checked here too, so a wrong field is a usage error before anything is sent.
            if case .failure(let problem) = RegistryDraft.adding(request) { throw ValidationError("\(problem.field): \(problem.message)") }
            let global = self.global
            try await global.withClient { client in
                let added = try await client.post(APIRoute.addRegistry.path, body: request, as: RegistryInfo.self)
                try RegistryCommand.show(added, global)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's registries (no passwords).")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let registries = try await client.get(APIRoute.listRegistries.path, as: [RegistryInfo].self)
                guard global.output == .table else { return try Render.machine(registries, format: global.output) }
                let rows = registries.map { r in
                    [
                        r.name, r.kind.rawValue, r.isLocal ? "(local)" : (r.url ?? r.host ?? ""), r.namespace ?? "",
                        r.username.map { $0 + (r.hasPassword ? " (password set)" : "") } ?? "anonymous", r.plainHTTP ? "http" : "https",
                    ]
                }
                print(Render.table(["NAME", "KIND", "URL", "NAMESPACE", "USER", "SCHEME"], rows))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One registry (no password).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                try RegistryCommand.show(try await client.get(APIRoute.getRegistry.path(name: name), as: RegistryInfo.self), global)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a registry (admins); options not given stay as they are, '' clears one.")
        @Argument var name: String
        @Option(help: "A new name.") var rename: String?
        @Option(help: "A new kind.") var kind: String?
        @OptionGroup var fields: Fields
        @Flag(help: "Forget the stored username and password (anonymous pulls).") var clearCredentials = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            var parsedKind: RegistryKind?
            if let kind {
                guard let k = RegistryKind(rawValue: kind) else {
                    throw ValidationError("--kind must be one of \(RegistryKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kind)'")
                }
                parsedKind = k
            }
            let request = RegistryRequest(
                name: rename, kind: parsedKind, url: fields.url, namespace: fields.namespace, apiURL: fields.apiURL, plainHTTP: fields.plainHTTP,
                username: fields.username, password: try fields.password(required: false), clearCredentials: clearCredentials ? true : nil,
                description: fields.description)
            let global = self.global
            try await global.withClient { client in
                let updated = try await client.send(.PUT, APIRoute.updateRegistry.path(name: name), body: request, as: RegistryInfo.self)
                try RegistryCommand.show(updated, global)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a registry from the team (admins).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.removeRegistry.path(name: name), body: nil as String?, as: [String: String].self)
                print("removed registry \(name)")
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the registry answers and accepts the stored credentials (Basic or Bearer token); exit 1 if not.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let ok = try await global.withClient { client -> Bool in
                let result = try await client.post(APIRoute.checkRegistry.path(name: name), body: [String: String](), as: RegistryCheckResult.self)
                if global.output == .table {
                    // The scheme once: the registry client's message may already name it.
                    let scheme = result.authScheme.flatMap { result.message.contains("(\($0))") ? nil : $0 }
                    let how = [scheme, result.milliseconds.map { "\($0) ms" }].compactMap { $0 }.joined(separator: ", ")
                    print("registry \(name): \(result.ok ? "ok" : "FAILED"): \(result.message)\(how.isEmpty ? "" : " (\(how))")")
                } else {
                    try Render.machine(result, format: global.output)
                }
                return result.ok
            }
            if !ok { throw ExitCode(1) }
        }
    }

    struct Browse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Repositories of a registry; with REPOSITORY its tags; with REPOSITORY:TAG the tag's digest, date, platforms and labels.")
        @Argument var name: String
        @Argument(help: "A repository, or repository:tag.") var repository: String?
        @Option(help: "At most this many repositories or tags (default 1000).") var limit: Int?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            var query: [(String, String)] = []
            var tag: String?
            if let repository {
                var repo = repository
                if let colon = repository.lastIndex(of: ":"), !repository[colon...].contains("/") {
                    repo = String(repository[..<colon])
                    tag = String(repository[repository.index(after: colon)...])
                }
                query.append(("repository", repo))
                if let tag { query.append(("tag", tag)) }
            }
            if let limit { query.append(("limit", String(limit))) }
            let path = APIRoute.browseRegistry.path(name: name) + RegistryCommand.queryString(query)
            let global = self.global
            try await global.withClient { client in
                switch (repository, tag) {
                case (nil, _):
                    let list = try await client.get(path, as: RegistryRepositoryList.self)
                    guard global.output == .table else { return try Render.machine(list, format: global.output) }
                    for r in list.repositories { print(r) }
                    if list.truncated { print("… (more: raise --limit)") }
                case (let repository?, nil):
                    let list = try await client.get(path, as: RegistryTagList.self)
                    guard global.output == .table else { return try Render.machine(list, format: global.output) }
                    for t in list.tags { print("\(repository):\(t)") }
                    if list.truncated { print("… (more: raise --limit)") }
                case (_, .some):
                    let details = try await client.get(path, as: RegistryTagDetails.self)
                    guard global.output == .table else { return try Render.machine(details, format: global.output) }
                    var lines = [
                        "image:     \(details.repository):\(details.tag)", "digest:    \(details.digest ?? "-")",
                        "created:   \(details.created.map { ISO8601DateFormatter().string(from: $0) } ?? "-")",
                        "platforms: \(details.platforms.joined(separator: ", "))", "size:      \(details.size.map { "\($0) bytes" } ?? "-")",
                        "type:      \(details.mediaType ?? "-")",
                    ]
                    lines += details.labels.sorted { $0.key < $1.key }.map { "label:     \($0.key)=\($0.value)" }
                    print(lines.joined(separator: "\n"))
                }
            }
        }
    }

    static func show(_ r: RegistryInfo, _ global: GlobalOptions) throws {
        guard global.output == .table else { return try Render.machine(r, format: global.output) }
        var lines = [
            "name:      \(r.name)", "kind:      \(r.kind.rawValue)", "url:       \(r.isLocal ? "(local: images already on the nodes)" : r.url ?? r.host ?? "")",
        ]
        if let namespace = r.namespace { lines.append("namespace: \(namespace)") }
        if let apiURL = r.apiURL { lines.append("api url:   \(apiURL)") }
        lines.append("scheme:    \(r.plainHTTP ? "http" : "https")")
        lines.append("user:      \(r.username.map { $0 + (r.hasPassword ? " (password set)" : " (no password)") } ?? "anonymous")")
        if let description = r.description { lines.append("note:      \(description)") }
        print(lines.joined(separator: "\n"))
    }

    /// `?k=v&…`, each value percent-encoded.
    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}
