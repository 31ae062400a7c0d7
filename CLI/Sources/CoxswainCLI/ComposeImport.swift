import CoxswainCore
import Foundation
import Yams

/// Turns a docker-compose file into a version's images: each service's image reference (registry
/// host, repository, tag) and its container configuration, in rollout order (`depends_on` first).
/// Pure: files named by `env_file` are read through `readFile`. What has no place in a container
/// configuration is listed in `notes`, per service, instead of being dropped without a word.
package enum ComposeImport {
    /// One service of the file as an image of a version.
    package struct Service: Sendable, Equatable {
        /// The service's key in the file.
        package var service: String
        /// The image's name in the version (the container's name after the deployment's prefix).
        package var name: String
        package var reference: ImageReference
        package var config: ContainerConfig
        /// The services it depends on (by key).
        package var dependsOn: [String]

        package init(service: String, name: String, reference: ImageReference, config: ContainerConfig, dependsOn: [String] = []) {
            self.service = service
            self.name = name
            self.reference = reference
            self.config = config
            self.dependsOn = dependsOn
        }
    }

    /// `host/repository:tag` split: `ghcr.io/acme/web:1.2` is host `ghcr.io`, repository
    /// `acme/web`, tag `1.2`; `nginx:1.25` has no host (Docker Hub).
    package struct ImageReference: Sendable, Equatable, CustomStringConvertible {
        package var host: String?
        package var repository: String
        package var tag: String

        package init(host: String? = nil, repository: String, tag: String) {
            self.host = host
            self.repository = repository
            self.tag = tag
        }

        package var description: String { "\(host.map { "\($0)/" } ?? "")\(repository):\(tag)" }

        /// Parses a compose `image:`; nil with the reason when it has no tag or is not a reference.
        package static func parse(_ text: String) -> Result<ImageReference, Problem> {
            var rest = Substring(text)
            if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
            guard let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") else {
                return .failure(Problem("image '\(text)' has no tag; give one (\(rest):1.0): a version pins its images' tags"))
            }
            let tag = String(rest[rest.index(after: colon)...])
            var components = rest[..<colon].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var host: String?
            if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
                host = first
                components.removeFirst()
            }
            let repository = components.joined(separator: "/")
            guard ImagePath.isRepository(repository) else {
                return .failure(Problem("'\(repository)' in image '\(text)' is not a repository (lowercase path components)"))
            }
            guard ImagePath.isTag(tag) else { return .failure(Problem("'\(tag)' in image '\(text)' is not a tag")) }
            return .success(ImageReference(host: host, repository: repository, tag: tag))
        }
    }

    /// Why a value (an image reference, a port, a volume) was refused.
    package struct Problem: Error, Sendable, Equatable {
        package var message: String
        package init(_ message: String) { self.message = message }
    }

    /// The services in rollout order, and what could not be mapped.
    package struct Mapping: Sendable, Equatable {
        package var services: [Service]
        package var notes: [String]
    }

    /// Service keys mapped to a container configuration (every other key is reported as not mapped).
    static let mappedKeys: Set<String> = [
        "image", "container_name", "environment", "env_file", "ports", "volumes", "networks", "network_mode", "restart", "labels", "command",
        "entrypoint", "working_dir", "user", "logging", "healthcheck", "depends_on", "cap_add", "cap_drop", "tty", "mem_limit", "cpus",
    ]

    /// Maps a parsed compose file. `readFile` reads an `env_file` (a path relative to the compose
    /// file's directory is made absolute first); nil when it cannot be read.
    package static func map(_ file: YAMLFile, readFile: @escaping (String) -> String?) throws(YAMLFileError) -> Mapping {
        guard let root = file.root.map(resolvingMergeKeys), case .mapping(let top) = root else {
            throw file.problem(file.root, "", "a compose file is a map with 'services'")
        }
        var notes: [String] = []
        let otherTopKeys = top.compactMap { key, _ in key.string }.filter { !["services", "version", "name"].contains($0) }
        if !otherTopKeys.isEmpty {
            notes.append("top level: not mapped: \(otherTopKeys.joined(separator: ", ")) (networks and volumes are created on the node by name)")
        }
        guard let servicesNode = top["services"], case .mapping(let services) = servicesNode, !services.isEmpty else {
            throw file.problem(root, "services", "a compose file needs a map of services")
        }
        let directory = (file.file as NSString).deletingLastPathComponent
        var mapped: [Service] = []
        var names: [String: String] = [:]
        for (key, node) in services {
            guard let service = key.string, case .mapping(let fields) = node else {
                throw file.problem(node, "services.\(key.string ?? "?")", "a service is a map of settings")
            }
            var reader = ServiceReader(file: file, service: service, fields: fields, node: node, directory: directory, readFile: readFile)
            let result = try reader.read()
            if let other = names[result.name] {
                throw file.problem(node, "services.\(service)", "its container name '\(result.name)' is also service \(other)'s")
            }
            names[result.name] = service
            mapped.append(result)
            notes += reader.notes
        }
        return Mapping(services: try rolloutOrder(mapped, file: file, node: servicesNode), notes: notes)
    }

    /// `node` with YAML merge keys (`<<: *defaults`) folded in: the mapping's own keys win.
    static func resolvingMergeKeys(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            var own: [(Node, Node)] = []
            var merged: [(Node, Node)] = []
            for (key, value) in mapping {
                if key.string == "<<" {
                    let sources = value.sequence.map(Array.init) ?? [value]
                    for source in sources { if case .mapping(let m) = resolvingMergeKeys(source) { merged += m.map { ($0.key, $0.value) } } }
                } else {
                    own.append((key, resolvingMergeKeys(value)))
                }
            }
            let ownKeys = Set(own.compactMap { $0.0.string })
            var seen: Set<String> = []
            let inherited = merged.filter { key, _ in key.string.map { !ownKeys.contains($0) && seen.insert($0).inserted } ?? false }
            return .mapping(Node.Mapping(own + inherited, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(resolvingMergeKeys), sequence.tag, sequence.style, sequence.mark))
        default:
            return node
        }
    }
}

/// Reads one service's settings into a `ComposeImport.Service`, collecting what it cannot map.
struct ServiceReader {
    let file: YAMLFile
    let service: String
    let fields: Node.Mapping
    let node: Node
    let directory: String
    let readFile: (String) -> String?
    var notes: [String] = []
    var config = ContainerConfig()

    init(file: YAMLFile, service: String, fields: Node.Mapping, node: Node, directory: String, readFile: @escaping (String) -> String?) {
        self.file = file
        self.service = service
        self.fields = fields
        self.node = node
        self.directory = directory
        self.readFile = readFile
    }

    var root: String { "services.\(service)" }

    func problem(_ at: Node?, _ field: String, _ message: String) -> YAMLFileError {
        file.problem(at ?? node, field.isEmpty ? root : "\(root).\(field)", message)
    }

    mutating func note(_ text: String) { notes.append("service \(service): \(text)") }

    /// A scalar's text, or a problem naming the field.
    func text(_ value: Node, _ field: String) throws(YAMLFileError) -> String {
        guard case .scalar(let scalar) = value else { throw problem(value, field, "expected a single value") }
        return scalar.string
    }

    /// A list of scalars, or one scalar as a list of one.
    func strings(_ value: Node, _ field: String) throws(YAMLFileError) -> [String] {
        if case .sequence(let items) = value {
            var result: [String] = []
            for (i, item) in items.enumerated() { result.append(try text(item, "\(field)[\(i)]")) }
            return result
        }
        return [try text(value, field)]
    }

    /// A map of scalars, or a list of `key=value` (a bare `key` has the value `bare`).
    func keyValues(_ value: Node, _ field: String, bare: (String) -> String?) throws(YAMLFileError) -> [(String, String?)] {
        switch value {
        case .mapping(let mapping):
            var result: [(String, String?)] = []
            for (key, item) in mapping {
                let name = try text(key, field)
                result.append((name, YAMLFile.isNull(item) ? bare(name) : try text(item, "\(field).\(name)")))
            }
            return result
        case .sequence(let items):
            var result: [(String, String?)] = []
            for (i, item) in items.enumerated() {
                let entry = try text(item, "\(field)[\(i)]")
                if let equals = entry.firstIndex(of: "=") {
                    result.append((String(entry[..<equals]), String(entry[entry.index(after: equals)...])))
                } else {
                    result.append((entry, bare(entry)))
                }
            }
            return result
        default:
            throw problem(value, field, "expected a map or a list of KEY=VALUE")
        }
    }

    mutating func read() throws(YAMLFileError) -> ComposeImport.Service {
        var unmapped: [String] = []
        var reference: ComposeImport.ImageReference?
        var containerName: String?
        var environment: [String: String] = [:]
        var fileEnvironment: [String: String] = [:]
        var dependsOn: [String] = []
        for (keyNode, value) in fields {
            guard let key = keyNode.string else { continue }
            switch key {
            case "image":
                let text = try text(value, key)
                switch ComposeImport.ImageReference.parse(text) {
                case .success(let parsed): reference = parsed
                case .failure(let why): throw problem(value, key, why.message)
                }
                if text.contains("@") { note("image: the digest of '\(text)' is dropped (a version pins the tag)") }
            case "container_name": containerName = try self.text(value, key)
            case "environment":
                for (name, item) in try keyValues(value, key, bare: { _ in nil }) {
                    if let item { environment[name] = item } else { note("environment.\(name) has no value (compose takes it from your shell); left out") }
                }
            case "env_file": fileEnvironment = try readEnvFiles(value)
            case "ports": try readPorts(value)
            case "volumes": try readVolumes(value)
            case "networks": try readNetworks(value)
            case "network_mode":
                let mode = try text(value, key)
                if let parsed = ContainerConfig.NetworkMode(rawValue: mode) {
                    config.networkMode = parsed
                } else {
                    note("network_mode '\(mode)' not mapped (host, none or bridge)")
                }
            case "restart":
                let text = try text(value, key)
                guard let policy = ContainerConfig.RestartPolicy(parsing: text) else {
                    throw problem(value, key, "'\(text)' is not a restart policy (no, always, unless-stopped, on-failure[:N])")
                }
                config.restartPolicy = policy
            case "labels":
                for (name, item) in try keyValues(value, key, bare: { _ in "" }) { config.labels = (config.labels ?? [:]).merging([name: item ?? ""]) { $1 } }
            case "command": config.args = try words(value, key)
            case "entrypoint": config.command = try words(value, key)
            case "working_dir": config.workingDirectory = try text(value, key)
            case "user": config.user = try text(value, key)
            case "tty": config.tty = value.bool
            case "logging": try readLogging(value)
            case "healthcheck": try readHealthCheck(value)
            case "depends_on":
                if case .mapping(let mapping) = value { dependsOn = mapping.compactMap { $0.key.string } } else { dependsOn = try strings(value, key) }
            case "cap_add", "cap_drop":
                var capabilities = config.capabilities ?? ContainerConfig.Capabilities()
                if key == "cap_add" { capabilities.add = try strings(value, key) } else { capabilities.drop = try strings(value, key) }
                config.capabilities = capabilities
            case "mem_limit":
                let text = try text(value, key)
                guard let bytes = ComposeImport.bytes(text) else { throw problem(value, key, "'\(text)' is not a size (512m, 1g, 1048576)") }
                config.memoryBytes = bytes
            case "cpus":
                let text = try text(value, key)
                guard let cpus = Double(text), cpus >= 0 else { throw problem(value, key, "'\(text)' is not a number of CPUs") }
                config.nanoCPUs = Int((cpus * 1e9).rounded())
            default:
                unmapped.append(key)
            }
        }
        guard let reference else { throw problem(nil, "image", "every service needs an image with a tag (building images is not imported)") }
        let merged = fileEnvironment.merging(environment) { $1 }
        if !merged.isEmpty { config.environment = merged }
        if !unmapped.isEmpty { note("not mapped: \(unmapped.joined(separator: ", "))") }
        let raw = containerName ?? service
        let name = ComposeImport.dnsLabel(raw)
        guard ContainerOperation.isDNSLabel(name) else {
            throw problem(nil, containerName == nil ? "" : "container_name", "'\(raw)' cannot be a container name (lowercase letters, digits and '-', 1 to 63)")
        }
        if name != raw { note("named \(name) (container names are DNS labels)") }
        if containerName != nil { note("container_name: the container is <prefix>-\(name) on the node") }
        if let problem = config.problems(at: root).first { throw file.problem(file.nearestNode(at: problem.path), problem.path, problem.message) }
        return ComposeImport.Service(service: service, name: name, reference: reference, config: config, dependsOn: dependsOn)
    }
}
