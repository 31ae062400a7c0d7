/// The container verbs' grammar (Directord's `pod`, `container_image`, `secontext` and
/// `container_config_data` components). Names and values that hold a template are checked on the
/// node once rendered; everything else is checked here, so a bad option is refused before anything runs.
extension ParsedArguments {
    func pod() throws(OrchestrationError) -> PodCall {
        if !operands.isEmpty { throw failure("takes no operands, got '\(operands.joined(separator: " "))' (give the pod to an option such as --start)") }
        let actions = ["start", "stop", "rm", "kill", "inspect", "play", "exec_run"]
        let given = actions.filter { values[$0] != nil }
        guard given.count == 1, let chosen = given.first, let target = try string(chosen) else {
            let flags = actions.map { "--" + $0.replacingOccurrences(of: "_", with: "-") }
            if given.isEmpty { throw failure("needs one of \(flags.joined(separator: ", "))") }
            throw failure("\(given.map(origin).joined(separator: " and ")) exclude each other; give one of \(flags.joined(separator: ", "))")
        }
        try onlyWith(chosen, allowed: ["exec_run"], options: ["command", "env", "privileged"])
        try onlyWith(chosen, allowed: ["rm"], options: ["force"])
        try onlyWith(chosen, allowed: ["kill"], options: ["kill_signal"])
        try onlyWith(chosen, allowed: ["play"], options: ["no_tlsverify"])
        if chosen != "play", !Self.isTemplate(target), !PodCall.isValidName(target) {
            throw failure("\(origin(chosen)) '\(target)' is not a pod or container name ([A-Za-z0-9][A-Za-z0-9_.-]*)")
        }
        let action: PodCall.Action
        switch chosen {
        case "start": action = .start(pod: target)
        case "stop": action = .stop(pod: target)
        case "rm": action = .remove(pod: target, force: flag("force"))
        case "kill":
            let signal = try string("kill_signal") ?? PodCall.defaultKillSignal
            if Self.isTemplate(signal) {
                action = .kill(pod: target, signal: signal)
            } else if let normalized = PodCall.normalizedSignal(signal) {
                action = .kill(pod: target, signal: normalized)
            } else {
                throw failure("\(origin("kill_signal")) '\(signal)' is not a signal (a name such as TERM or SIGKILL, or a number from 1 to 64)")
            }
        case "inspect": action = .inspect(pod: target)
        case "play": action = .play(file: target, tlsVerify: !flag("no_tlsverify"))
        default:
            let command = try strings("command")
            if command.isEmpty { throw failure("--exec-run needs --command WORD… (the command to run in the container)") }
            var environment: [String] = []
            for word in try strings("env") {
                for item in word.split(separator: ",", omittingEmptySubsequences: true).map(String.init) {
                    if !Self.isTemplate(item), !PodCall.isEnvironmentAssignment(item) {
                        throw failure("\(origin("env")) '\(item)' is not KEY=VALUE (KEY a variable name)")
                    }
                    environment.append(item)
                }
            }
            action = .execRun(container: target, command: command, environment: environment, privileged: flag("privileged"))
        }
        return PodCall(action: action, socketPath: try socketPath())
    }

    func image() throws(OrchestrationError) -> ImageCall {
        let actions: [ImageCall.Action] = [.pull, .push, .tag, .list, .inspect]
        let given = actions.filter { flag($0.rawValue) }
        guard given.count == 1, let action = given.first else {
            if given.isEmpty { throw failure("needs one of --pull, --push, --tag, --list, --inspect") }
            throw failure("\(given.map { origin($0.rawValue) }.joined(separator: " and ")) exclude each other")
        }
        let images = operands(or: "images")
        if let empty = images.first(where: { $0.trimmingWhitespace().isEmpty }) { throw failure("an IMAGE is empty ('\(empty)')") }
        switch action {
        case .tag where images.count != 2:
            throw failure("--tag needs exactly two images, IMAGE and NEW, got \(images.count)")
        case .pull, .push, .inspect:
            if images.isEmpty { throw failure("--\(action.rawValue) needs at least one IMAGE") }
        case .list where !images.isEmpty:
            throw failure("--list takes no IMAGE, got '\(images.joined(separator: " "))'")
        default:
            break
        }
        if let bad = images.first(where: { !Self.isTemplate($0) && !Self.isPlausibleImage($0) }) {
            throw failure("'\(bad)' is not an image reference ([REGISTRY/]PATH[:TAG][@DIGEST], no spaces)")
        }
        if flag("no_tlsverify"), action != .pull, action != .push { throw failure("--no-tlsverify only applies to --pull and --push") }
        return ImageCall(action: action, images: images, tlsVerify: !flag("no_tlsverify"), socketPath: try socketPath())
    }

    func secontext() throws(OrchestrationError) -> SEContextCall {
        let given = operands(or: "target")
        guard given.count == 1, let target = given.first, !target.trimmingWhitespace().isEmpty else {
            if given.isEmpty { throw failure("needs TARGET (the path the rule is for)") }
            throw failure("takes one TARGET, got \(given.count) operands: \(given.joined(separator: " ")) (quote a value with spaces)")
        }
        guard let setype = try string("setype") else { throw failure("needs --setype TYPE (such as container_file_t)") }
        let ftype = try string("ftype")
        if let ftype, SEContextCall.fileTypes[ftype] == nil {
            throw failure("\(origin("ftype")) '\(ftype)' is not a file type; choose one of \(SEContextCall.fileTypes.keys.sorted().joined(separator: ", "))")
        }
        var reload = false
        if let raw = try string("reload") {
            guard let value = Self.boolean(raw) else { throw failure("\(origin("reload")) '\(raw)' is not true or false") }
            reload = value
        }
        for dest in ["setype", "seuser", "selevel"] {
            if let value = try string(dest), value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                throw failure("\(origin(dest)) '\(value)' must be one word")
            }
        }
        return SEContextCall(target: target, setype: setype, ftype: ftype, seuser: try string("seuser"), selevel: try string("selevel"), reload: reload)
    }

    func containerConfigData() throws(OrchestrationError) -> VerbCall {
        if !operands.isEmpty { throw failure("takes no operands, got '\(operands.joined(separator: " "))' (give the folder as --config-path PATH)") }
        guard let path = try string("config_path") else { throw failure("needs --config-path PATH (a directory of JSON files, or one file)") }
        let pattern = try string("config_pattern") ?? "*.json"
        if pattern.contains("/") { throw failure("\(origin("config_pattern")) '\(pattern)' must match file names in the directory, without '/'") }
        var overrides = try structured("config_overrides")
        if overrides == .null { overrides = nil }
        if let overrides {
            guard case .map = overrides else {
                throw failure("\(origin("config_overrides")) must be a map of container names to settings, not '\(overrides)'")
            }
        }
        return .containerConfigData(path: path, pattern: pattern, overrides: overrides, debug: flag("debug"))
    }

    /// Refuses any of `options` unless the chosen action is one of `allowed`.
    private func onlyWith(_ chosen: String, allowed: Set<String>, options: [String]) throws(OrchestrationError) {
        guard !allowed.contains(chosen) else { return }
        for dest in options where flags[dest] == true || values[dest] != nil {
            let with = allowed.sorted().map { "--" + $0.replacingOccurrences(of: "_", with: "-") }.joined(separator: " or ")
            throw failure("\(origin(dest)) only applies to \(with)")
        }
    }

    private func socketPath() throws(OrchestrationError) -> String? {
        guard let path = try string("socket_path") else { return nil }
        let bare = path.hasPrefix("unix://") ? String(path.dropFirst("unix://".count)) : path
        if !Self.isTemplate(bare), !bare.hasPrefix("/") { throw failure("\(origin("socket_path")) '\(path)' must be an absolute path (or unix:///path)") }
        return bare
    }

    /// Whether a value holds Jinja syntax (rendered on the node, checked there).
    static func isTemplate(_ text: String) -> Bool { text.contains("{{") || text.contains("{%") }

    /// Printable ASCII without spaces, not starting with `-`: the node checks the full grammar.
    static func isPlausibleImage(_ text: String) -> Bool {
        !text.hasPrefix("-") && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Python's `strtobool`, as Directord reads booleans.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "y", "yes", "t", "true", "on", "1": true
        case "n", "no", "f", "false", "off", "0": false
        default: nil
        }
    }
}
