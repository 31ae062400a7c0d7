import CoxswainCore
import Foundation
import Yams

/// The value syntaxes compose shares with the `version image` flags: ports, volumes, durations,
/// sizes, shell words, `.env` files.
extension ComposeImport {
    /// A container port or a port range, published or not (on one address of the node, or all).
    package struct PortSpec: Sendable, Equatable {
        package var port: ContainerConfig.Port?
        package var range: ContainerConfig.PortRange?

        package init(port: ContainerConfig.Port? = nil, range: ContainerConfig.PortRange? = nil) {
            self.port = port
            self.range = range
        }
    }

    /// `[IP:][HOST:]CONTAINER[/udp]`, with ranges (`9000-9009:9000-9009`) and `[::1]:80:80`.
    package static func port(_ text: String) -> Result<PortSpec, Problem> {
        if let published = PublishedPort(parsing: text), let proto = ContainerConfig.PortProtocol(rawValue: published.proto) {
            let port = ContainerConfig.Port(
                internal: Int(published.containerPort), external: published.hostPort.map(Int.init), proto: proto, hostIP: published.hostIP)
            return .success(PortSpec(port: port))
        }
        let bad = Problem("'\(text)' is not a port mapping ([HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp], ports or ranges 1-65535)")
        var rest = Substring(text)
        var proto = ContainerConfig.PortProtocol.tcp
        if let slash = rest.lastIndex(of: "/") {
            guard let p = ContainerConfig.PortProtocol(rawValue: String(rest[rest.index(after: slash)...])) else { return .failure(bad) }
            proto = p
            rest = rest[..<slash]
        }
        var hostIP: String?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[close...].hasPrefix("]:") else { return .failure(bad) }
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(close, offsetBy: 2)...]
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3, hostIP == nil {
            hostIP = String(parts[0])
            parts.removeFirst()
        }
        if hostIP?.isEmpty == true { hostIP = nil }
        guard (1...2).contains(parts.count), let container = span(parts[parts.count - 1]) else { return .failure(bad) }
        var host: (Int, Int)?
        if parts.count == 2, !parts[0].isEmpty {
            guard let h = span(parts[0]) else { return .failure(bad) }
            host = h
        }
        if container.0 == container.1, host.map({ $0.0 == $0.1 }) ?? true {
            return .success(PortSpec(port: ContainerConfig.Port(internal: container.0, external: host?.0, proto: proto, hostIP: hostIP)))
        }
        if let host, host.1 - host.0 != container.1 - container.0 {
            return .failure(Problem("'\(text)': the host range and the container range must be as wide"))
        }
        let range = ContainerConfig.PortRange(
            internal: .init(from: container.0, to: container.1), external: host.map { .init(from: $0.0, to: $0.1) }, proto: proto, hostIP: hostIP)
        return .success(PortSpec(range: range))
    }

    /// `8080` or `9000-9009`, each end 1…65535, in order.
    static func span(_ text: Substring) -> (Int, Int)? {
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 5, s.allSatisfy(\.isASCIIDigit), let n = Int(s), (1...65_535).contains(n) else { return nil }
            return n
        }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        switch ends.count {
        case 1: return number(ends[0]).map { ($0, $0) }
        case 2:
            guard let from = number(ends[0]), let to = number(ends[1]), from <= to else { return nil }
            return (from, to)
        default: return nil
        }
    }

    /// `NAME:/path`, `/host/path:/path` or `/path` (anonymous), with `:ro` or `:rw`; other mount
    /// options (`z`, `Z`, `cached`…) are returned as not mapped.
    package static func volume(_ text: String) -> Result<(ContainerConfig.Volume, unmapped: [String]), Problem> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let bad = Problem("'\(text)' is not a volume (NAME:/path, /host/path:/path or /path, with :ro)")
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else { return .failure(bad) }
        if parts.count == 1 {
            guard text.hasPrefix("/") else { return .failure(bad) }
            return .success((ContainerConfig.Volume(containerPath: text), []))
        }
        let source = parts[0]
        guard parts[1].hasPrefix("/") else { return .failure(bad) }
        if source.hasPrefix(".") || source.hasPrefix("~") {
            return .failure(Problem("'\(text)': the host path \(source) is relative; give an absolute path on the node"))
        }
        var volume = ContainerConfig.Volume(containerPath: parts[1])
        if source.hasPrefix("/") { volume.hostPath = source } else { volume.name = source }
        var unmapped: [String] = []
        for option in parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : [] {
            switch option {
            case "ro": volume.readOnly = true
            case "rw": break
            default: unmapped.append(option)
            }
        }
        return .success((volume, unmapped))
    }

    /// Seconds from `30`, `30s`, `1m30s`, `1h`, `500ms` (Go's durations, as compose writes them);
    /// a fraction of a second is rounded up.
    package static func seconds(_ text: String) -> Int? {
        if let plain = Int(text), plain >= 0 { return plain }
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { !($0.isASCIIDigit || $0 == ".") }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "h": scale = 3600
            case "m": scale = 60
            case "s": scale = 1
            case "ms": scale = 1e-3
            case "us", "µs": scale = 1e-6
            case "ns": scale = 1e-9
            default: return nil
            }
            total += value * scale
        }
        guard total < 1e9 else { return nil }
        return Int(total.rounded(.up))
    }

    /// Bytes from `1048576`, `512m`, `1g`, `1.5gb`, `100k` (binary units, as the engine reads them).
    package static func bytes(_ text: String) -> Int? {
        let lower = text.lowercased()
        let number = lower.prefix { $0.isASCIIDigit || $0 == "." }
        var unit = lower.dropFirst(number.count)
        if unit.hasSuffix("b"), unit.count > 1 { unit = unit.dropLast() }
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k": scale = 1024
        case "m": scale = 1024 * 1024
        case "g": scale = 1024 * 1024 * 1024
        case "t": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        guard let value = Double(number), value >= 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }

    /// Splits a command line as a POSIX shell would (quotes and backslashes, no expansions); nil
    /// when a quote is not closed.
    package static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            switch (quote, c) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = c
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where c.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(c)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }

    /// The `KEY=VALUE` lines of an environment file: blank lines and `#` comments skipped, an
    /// optional `export `, quotes around a value removed (an unquoted value ends at ` #`).
    package static func environmentFile(_ text: String) -> [(key: String, value: String)] {
        text.split(whereSeparator: \.isNewline).compactMap { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            return key.isEmpty ? nil : (key, value)
        }
    }

    /// A name made a DNS label the way people write service names: lowercase, `_` and `.` as `-`.
    package static func dnsLabel(_ name: String) -> String {
        String(name.lowercased().map { $0 == "_" || $0 == "." ? "-" : $0 })
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension ServiceReader {
    /// `command:` and `entrypoint:`: a list as is, a string split as a shell would.
    func words(_ value: Node, _ field: String) throws(YAMLFileError) -> [String] {
        if case .sequence = value { return try strings(value, field) }
        let line = try text(value, field)
        guard let words = ComposeImport.shellWords(line) else { throw problem(value, field, "a quote is not closed in '\(line)'") }
        return words
    }

    mutating func readEnvFiles(_ value: Node) throws(YAMLFileError) -> [String: String] {
        var entries: [(path: String, required: Bool, node: Node)] = []
        for (i, item) in (value.sequence.map(Array.init) ?? [value]).enumerated() {
            if case .mapping(let m) = item {
                guard let path = m["path"]?.string else { throw problem(item, "env_file[\(i)]", "'path' is missing") }
                entries.append((path, m["required"]?.bool ?? true, item))
            } else {
                entries.append((try text(item, "env_file"), true, item))
            }
        }
        var environment: [String: String] = [:]
        for entry in entries {
            let path = entry.path.hasPrefix("/") ? entry.path : (directory as NSString).appendingPathComponent(entry.path)
            guard let content = readFile(path) else {
                if entry.required { throw problem(entry.node, "env_file", "cannot read \(path)") }
                note("env_file \(entry.path) not found (required: false); skipped")
                continue
            }
            for (key, value) in ComposeImport.environmentFile(content) { environment[key] = value }
        }
        return environment
    }

    mutating func readPorts(_ value: Node) throws(YAMLFileError) {
        guard case .sequence(let items) = value else { throw problem(value, "ports", "expected a list") }
        for (i, item) in items.enumerated() {
            let field = "ports[\(i)]"
            var spec: ComposeImport.PortSpec
            if case .mapping(let m) = item {
                guard let target = m["target"]?.string else { throw problem(item, field, "'target' is missing") }
                let published = m["published"]?.string
                let written = "\(m["host_ip"]?.string.map { "[\($0)]:" } ?? "")\(published.map { "\($0):" } ?? "")\(target)/\(m["protocol"]?.string ?? "tcp")"
                switch ComposeImport.port(written) {
                case .success(let s): spec = s
                case .failure(let why): throw problem(item, field, why.message)
                }
                let extra = m.compactMap { $0.key.string }.filter { !["target", "published", "host_ip", "protocol", "mode"].contains($0) }
                if !extra.isEmpty { note("\(field): not mapped: \(extra.joined(separator: ", "))") }
            } else {
                switch ComposeImport.port(try text(item, field)) {
                case .success(let s): spec = s
                case .failure(let why): throw problem(item, field, why.message)
                }
            }
            if let port = spec.port { config.ports = (config.ports ?? []) + [port] }
            if let range = spec.range { config.portRanges = (config.portRanges ?? []) + [range] }
        }
    }

    mutating func readVolumes(_ value: Node) throws(YAMLFileError) {
        guard case .sequence(let items) = value else { throw problem(value, "volumes", "expected a list") }
        for (i, item) in items.enumerated() {
            let field = "volumes[\(i)]"
            if case .mapping(let m) = item {
                let type = m["type"]?.string ?? "volume"
                guard let target = m["target"]?.string else { throw problem(item, field, "'target' is missing") }
                guard type == "volume" || type == "bind" else {
                    note("\(field): a \(type) mount is not mapped")
                    continue
                }
                var volume = ContainerConfig.Volume(containerPath: target, readOnly: m["read_only"]?.bool == true ? true : nil)
                if let source = m["source"]?.string {
                    if source.hasPrefix(".") || source.hasPrefix("~") {
                        note("\(field): the relative host path \(source) is not mapped (give an absolute path on the node)")
                        continue
                    }
                    if type == "bind" { volume.hostPath = source } else { volume.name = source }
                }
                let extra = m.compactMap { $0.key.string }.filter { !["type", "source", "target", "read_only"].contains($0) }
                if !extra.isEmpty { note("\(field): not mapped: \(extra.joined(separator: ", "))") }
                config.volumes = (config.volumes ?? []) + [volume]
                continue
            }
            let text = try text(item, field)
            if let source = text.split(separator: ":").first, text.contains(":"), source.hasPrefix(".") || source.hasPrefix("~") {
                note("\(field): the relative host path \(source) is not mapped (give an absolute path on the node)")
                continue
            }
            switch ComposeImport.volume(text) {
            case .success(let (volume, unmapped)):
                config.volumes = (config.volumes ?? []) + [volume]
                if !unmapped.isEmpty { note("\(field): mount options not mapped: \(unmapped.joined(separator: ","))") }
            case .failure(let why):
                throw problem(item, field, why.message)
            }
        }
    }

    mutating func readNetworks(_ value: Node) throws(YAMLFileError) {
        if case .mapping(let m) = value {
            for (key, settings) in m {
                guard let name = key.string else { continue }
                config.networks = (config.networks ?? []) + [name]
                if !YAMLFile.isNull(settings), settings.mapping?.isEmpty != true { note("networks.\(name): aliases and addresses not mapped") }
            }
        } else {
            config.networks = try strings(value, "networks")
        }
    }

    mutating func readLogging(_ value: Node) throws(YAMLFileError) {
        guard case .mapping(let m) = value else { throw problem(value, "logging", "expected a map with driver and options") }
        guard let driver = m["driver"]?.string else {
            note("logging: options without a driver not mapped")
            return
        }
        var options: [String: String]?
        if let node = m["options"], !YAMLFile.isNull(node) {
            options = Dictionary(try keyValues(node, "logging.options", bare: { _ in "" }).map { ($0.0, $0.1 ?? "") }, uniquingKeysWith: { $1 })
        }
        config.log = ContainerConfig.LogConfig(driver: driver, options: options)
    }

    mutating func readHealthCheck(_ value: Node) throws(YAMLFileError) {
        guard case .mapping(let m) = value else { throw problem(value, "healthcheck", "expected a map (test, interval, timeout, retries, start_period)") }
        var check = ContainerConfig.HealthCheck(test: [])
        for (keyNode, item) in m {
            guard let key = keyNode.string else { continue }
            let field = "healthcheck.\(key)"
            switch key {
            case "test":
                if case .sequence = item { check.test = try strings(item, field) } else { check.test = ["CMD-SHELL", try text(item, field)] }
            case "interval", "timeout", "start_period":
                let text = try text(item, field)
                guard let seconds = ComposeImport.seconds(text) else { throw problem(item, field, "'\(text)' is not a duration (30s, 1m30s, 500ms)") }
                switch key {
                case "interval": check.intervalSeconds = seconds
                case "timeout": check.timeoutSeconds = seconds
                default: check.startPeriodSeconds = seconds
                }
            case "retries":
                guard let retries = item.int else { throw problem(item, field, "expected a whole number") }
                check.retries = retries
            case "disable":
                if item.bool == true { check.test = ["NONE"] }
            default:
                note("\(field) not mapped")
            }
        }
        guard !check.test.isEmpty else {
            note("healthcheck without a test not mapped")
            return
        }
        config.healthCheck = check
    }
}
