extension ContainerConfig {
    /// At most this many items in each list or map (variables, labels, ports, volumes, arguments…).
    public static let maximumItems = 1000
    /// At most this many bytes in one value (a variable's value, a label's value, an argument).
    public static let maximumValueBytes = 65_536
    /// At most this many ports in a port range.
    public static let maximumPortRangeWidth = 1000
    /// Every timeout and interval, in seconds.
    public static let secondsRange = 1...86_400
    /// Label keys under this prefix are Coxswain's own (deployment, version, prefix…): the node
    /// reconciles its containers with them, so a configuration cannot set them.
    public static let reservedLabelPrefix = "io.coxswain."

    /// What is wrong with this configuration (empty when nothing is), each problem naming its field.
    public var problems: [ConfigProblem] { problems(at: "") }

    /// What is wrong with this configuration, each problem's path starting at `root`, e.g. `images[web]`
    /// gives `images[web].ports[0].external`. Checks each layer on its own: a nil field is fine.
    public func problems(at root: String) -> [ConfigProblem] {
        var found = ProblemCollector(root: root)
        let max = Self.maximumItems

        if let name, !ContainerOperation.isDNSLabel(name) { found.add("name", "\(quoted(name)) is not a DNS label \(dnsLabelRule)") }

        if let environment {
            found.count("environment", environment.count, "variables")
            for key in environment.keys.sorted() {
                if !isVariableName(key) { found.add("environment.\(clipped(key))", "not a variable name ([A-Za-z_][A-Za-z0-9_]*)") }
                if let value = environment[key] { found.value("environment.\(clipped(key))", value) }
            }
        }

        if let secrets {
            found.count("secrets", secrets.count, "secrets")
            var seen: [String: Int] = [:]
            for (i, key) in secrets.enumerated() {
                if !isVariableName(key) { found.add("secrets[\(i)]", "\(quoted(key)) is not a variable name ([A-Za-z_][A-Za-z0-9_]*)") }
                if let j = seen[key] { found.add("secrets[\(i)]", "\(quoted(key)) is already secrets[\(j)]") } else { seen[key] = i }
            }
        }

        if let ports {
            found.count("ports", ports.count, "ports")
            var internals: [String: Int] = [:]
            var externals: [String: Int] = [:]
            for (i, port) in ports.enumerated() {
                found.port("ports[\(i)].internal", port.internal)
                if let external = port.external {
                    found.port("ports[\(i)].external", external)
                    let key = "\(external)/\(port.proto.rawValue)"
                    if let j = externals[key] { found.add("ports[\(i)].external", "\(key) is already published by ports[\(j)]") } else { externals[key] = i }
                }
                if let j = internals[port.key] { found.add("ports[\(i)]", "\(port.key) is already ports[\(j)]") } else { internals[port.key] = i }
                if let ip = port.hostIP, !ContainerConfig.isIPAddress(ip) { found.add("ports[\(i)].hostIP", "\(quoted(ip)) is not an IP address") }
            }
        }

        if let portRanges {
            found.count("portRanges", portRanges.count, "port ranges")
            for (i, range) in portRanges.enumerated() {
                if let ip = range.hostIP, !ContainerConfig.isIPAddress(ip) { found.add("portRanges[\(i)].hostIP", "\(quoted(ip)) is not an IP address") }
                let internalWidth = found.span("portRanges[\(i)].internal", range.internal)
                if let external = range.external, let externalWidth = found.span("portRanges[\(i)].external", external), let internalWidth,
                    externalWidth != internalWidth
                {
                    found.add("portRanges[\(i)].external", "\(externalWidth) ports wide, the internal range \(internalWidth)")
                }
            }
        }

        if let volumes {
            found.count("volumes", volumes.count, "volumes")
            var paths: [String: Int] = [:]
            for (i, volume) in volumes.enumerated() {
                let at = "volumes[\(i)]"
                if !isAbsolutePath(volume.containerPath) { found.add("\(at).containerPath", "\(quoted(volume.containerPath)) is not an absolute path") }
                if let hostPath = volume.hostPath, !isAbsolutePath(hostPath) { found.add("\(at).hostPath", "\(quoted(hostPath)) is not an absolute path") }
                if let name = volume.name, !isObjectName(name) { found.add("\(at).name", "\(quoted(name)) is not a volume name \(objectNameRule)") }
                if volume.name != nil, volume.hostPath != nil { found.add(at, "a named volume or a host path, not both") }
                if let j = paths[volume.containerPath] {
                    found.add("\(at).containerPath", "\(quoted(volume.containerPath)) is already mounted by volumes[\(j)]")
                } else {
                    paths[volume.containerPath] = i
                }
            }
        }

        if let networks {
            found.count("networks", networks.count, "networks")
            for (i, network) in networks.enumerated() where !isObjectName(network) {
                found.add("networks[\(i)]", "\(quoted(network)) is not a network name \(objectNameRule)")
            }
            if let networkMode, networkMode != .bridge, !networks.isEmpty { found.add("networks", "no networks with networkMode \(networkMode.rawValue)") }
        }

        if case .onFailure(let retries?) = restartPolicy, !(0...max).contains(retries) { found.add("restartPolicy.maxRetries", "must be 0...\(max)") }

        if let labels {
            found.count("labels", labels.count, "labels")
            for key in labels.keys.sorted() {
                if key.isEmpty || key.utf8.count > 255 || key.contains(where: { $0.isWhitespace }) {
                    found.add("labels.\(clipped(key))", "a label key is 1 to 255 characters without spaces")
                } else if key.hasPrefix(Self.reservedLabelPrefix) {
                    found.add("labels.\(clipped(key))", "\(Self.reservedLabelPrefix)* labels are Coxswain's own")
                }
                if let value = labels[key] { found.value("labels.\(clipped(key))", value) }
            }
        }

        if let command { found.list("command", command, "arguments") }
        if let args { found.list("args", args, "arguments") }
        if let user, user.isEmpty || user.utf8.count > 255 || user.contains(where: { $0.isWhitespace }) {
            found.add("user", "user[:group] or uid[:gid], without spaces")
        }
        if let workingDirectory, !isAbsolutePath(workingDirectory) { found.add("workingDirectory", "\(quoted(workingDirectory)) is not an absolute path") }

        if let log {
            if !isObjectName(log.driver) { found.add("log.driver", "\(quoted(log.driver)) is not a logging driver name") }
            if let options = log.options {
                found.count("log.options", options.count, "options")
                for key in options.keys.sorted() {
                    if key.isEmpty { found.add("log.options", "an option has an empty name") }
                    if let value = options[key] { found.value("log.options.\(clipped(key))", value) }
                }
            }
        }

        if let memoryBytes, memoryBytes < 0 { found.add("memoryBytes", "must not be negative") }
        if let nanoCPUs, nanoCPUs < 0 { found.add("nanoCPUs", "must not be negative") }

        if let healthCheck {
            switch healthCheck.test.first {
            case "NONE": break
            case "CMD", "CMD-SHELL":
                if healthCheck.test.count < 2 { found.add("healthCheck.test", "\(healthCheck.test[0]) needs a command after it") }
            default: found.add("healthCheck.test", "must start with CMD, CMD-SHELL or NONE")
            }
            found.list("healthCheck.test", healthCheck.test, "arguments")
            found.seconds("healthCheck.intervalSeconds", healthCheck.intervalSeconds)
            found.seconds("healthCheck.timeoutSeconds", healthCheck.timeoutSeconds)
            found.seconds("healthCheck.startPeriodSeconds", healthCheck.startPeriodSeconds)
            if let retries = healthCheck.retries, !(0...max).contains(retries) { found.add("healthCheck.retries", "must be 0...\(max)") }
        }

        if let expectedState {
            if let code = expectedState.exitCode {
                if expectedState.state == .running {
                    found.add("expectedState.exitCode", "only with state exited")
                } else if !(0...255).contains(code) {
                    found.add("expectedState.exitCode", "must be 0...255")
                }
            }
            found.seconds("expectedState.timeoutSeconds", expectedState.timeoutSeconds)
        }

        if let initContainers {
            found.count("initContainers", initContainers.count, "init containers")
            var names: [String: Int] = [:]
            for (i, initContainer) in initContainers.enumerated() {
                let at = "initContainers[\(i)]"
                if !ContainerOperation.isDNSLabel(initContainer.name) {
                    found.add("\(at).name", "\(quoted(initContainer.name)) is not a DNS label \(dnsLabelRule)")
                } else if let j = names[initContainer.name] {
                    found.add("\(at).name", "\(quoted(initContainer.name)) is already initContainers[\(j)]")
                } else {
                    names[initContainer.name] = i
                }
                let image = initContainer.image
                if image.isEmpty || image.utf8.count > 512 || image.contains(where: { $0.isWhitespace }) {
                    found.add("\(at).image", "an image reference (registry/repository:tag)")
                }
                if let command = initContainer.command { found.list("\(at).command", command, "arguments") }
                if let args = initContainer.args { found.list("\(at).args", args, "arguments") }
            }
        }

        if let capabilities {
            for (field, list) in [("add", capabilities.add), ("drop", capabilities.drop)] {
                guard let list else { continue }
                found.count("capabilities.\(field)", list.count, "capabilities")
                for (i, capability) in list.enumerated() where !isCapability(capability) {
                    found.add("capabilities.\(field)[\(i)]", "\(quoted(capability)) is not a capability (NET_ADMIN, CAP_NET_ADMIN or ALL)")
                }
            }
        }
        return found.problems
    }
}

/// Collects problems under a root path, with the checks that recur.
private struct ProblemCollector {
    let root: String
    var problems: [ConfigProblem] = []

    mutating func add(_ field: String, _ message: String) {
        problems.append(ConfigProblem(path: root.isEmpty ? field : "\(root).\(field)", message: message))
    }

    mutating func count(_ field: String, _ count: Int, _ noun: String) {
        if count > ContainerConfig.maximumItems { add(field, "at most \(ContainerConfig.maximumItems) \(noun)") }
    }

    mutating func value(_ field: String, _ value: String) {
        if value.utf8.count > ContainerConfig.maximumValueBytes { add(field, "longer than \(ContainerConfig.maximumValueBytes) bytes") }
        if value.utf8.contains(0) { add(field, "contains a NUL character") }
    }

    mutating func list(_ field: String, _ items: [String], _ noun: String) {
        count(field, items.count, noun)
        for (i, item) in items.enumerated() { value("\(field)[\(i)]", item) }
    }

    mutating func port(_ field: String, _ port: Int) {
        if !(1...65_535).contains(port) { add(field, "\(port) is not a port (1-65535)") }
    }

    mutating func seconds(_ field: String, _ seconds: Int?) {
        guard let seconds, !ContainerConfig.secondsRange.contains(seconds) else { return }
        add(field, "must be \(ContainerConfig.secondsRange.lowerBound)...\(ContainerConfig.secondsRange.upperBound) seconds")
    }

    /// Checks a span's ends, order and width; its width when it is well-formed.
    mutating func span(_ field: String, _ span: ContainerConfig.PortRange.Span) -> Int? {
        let before = problems.count
        port("\(field).from", span.from)
        port("\(field).to", span.to)
        guard let width = span.width else {
            add(field, span.from > span.to ? "\(span.from)-\(span.to) is reversed (from must not exceed to)" : "\(span.from)-\(span.to) is not a port range")
            return nil
        }
        if width > ContainerConfig.maximumPortRangeWidth { add(field, "\(width) ports wide, at most \(ContainerConfig.maximumPortRangeWidth)") }
        return problems.count == before ? width : nil
    }
}

private let dnsLabelRule = "(lowercase letters, digits and '-', 1 to 63, not starting or ending with '-')"
private let objectNameRule = "(letters, digits, '_', '.' and '-', starting with a letter or digit, at most 255)"

/// A value in a message: quoted, and cut at 64 characters (the value may be anything a client sent).
private func quoted(_ value: String) -> String { "'\(clipped(value))'" }

private func clipped(_ value: String) -> String { value.count > 64 ? String(value.prefix(64)) + "…" : value }

private func isASCIILetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
private func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

/// `[A-Za-z_][A-Za-z0-9_]*`
private func isVariableName(_ key: String) -> Bool {
    guard let first = key.unicodeScalars.first, isASCIILetter(first) || first == "_", key.utf8.count <= 255 else { return false }
    return key.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "_" }
}

/// A volume, network or logging driver name as engines accept them.
private func isObjectName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, isASCIILetter(first) || isASCIIDigit(first), name.utf8.count <= 255 else { return false }
    return name.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "_" || $0 == "." || $0 == "-" }
}

private func isAbsolutePath(_ path: String) -> Bool {
    path.hasPrefix("/") && path.utf8.count <= 4096 && !path.utf8.contains(0)
}

/// `ALL`, `NET_ADMIN` or `CAP_NET_ADMIN`.
private func isCapability(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first), name.utf8.count <= 64 else { return false }
    return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || isASCIIDigit($0) || $0 == "_" }
}
