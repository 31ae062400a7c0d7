extension ParsedArguments {
    /// The shared options, checked: `--timeout` more than 0, `--retry` at least 1 on the verbs
    /// that re-run a failed job.
    func jobOptions() throws(OrchestrationError) -> JobOptions {
        var options = JobOptions(
            skipCache: flag("skip_cache"), runOnce: flag("run_once"), timeout: try seconds("timeout", allowZero: false) ?? JobOptions.defaultTimeout,
            stdoutArg: try string("stdout_arg"), stderrArg: try string("stderr_arg"), execHelp: flag("exec_help"), forceLock: flag("force_lock"))
        if let defaultRetry = spec.defaultRetry {
            options.retry = try integer("retry", minimum: 1) ?? defaultRetry
        }
        return options
    }

    /// The verb's call, checked. Relative `ADD`/`COPY` sources are resolved against
    /// `baseDirectory`.
    func call(baseDirectory: String?) throws(OrchestrationError) -> VerbCall {
        switch spec.name {
        case "RUN":
            guard !text.trimmingWhitespace().isEmpty else { throw failure("needs a COMMAND after its options") }
            return .run(command: text, noBlock: flag("no_block"))
        case "ARG", "ENV":
            let (key, value) = try keyValue()
            return spec.name == "ARG" ? .arg(key: key, value: value, extend: flag("extend_args")) : .env(key: key, value: value, extend: flag("extend_args"))
        case "ADD", "COPY":
            return try transfer(baseDirectory: baseDirectory)
        case "WORKDIR":
            let path = try single("PATH", dest: "workdir")
            let chown = try ownership()
            let chmod = try string("chmod")
            if let chmod, !Self.isOctalMode(chmod), !Self.isSymbolicMode(chmod) {
                throw failure("\(origin("chmod")) '\(chmod)' is not a mode: write octal (0755) or symbolic (u+rwx,go-w)")
            }
            if flag("recursive"), chown == nil, chmod == nil { throw failure("--recursive needs --chown or --chmod") }
            return .workdir(path: path, chown: chown, chmod: chmod, recursive: flag("recursive"))
        case "CACHEFILE":
            return .cachefile(try single("PATH", dest: "cachefile"))
        case "CACHEEVICT":
            return .cacheevict(try single("TAG", dest: "cacheevict"))
        case "QUERY":
            return .query(key: try single("KEY", dest: "query"), noWait: flag("no_wait"))
        case "QUERY_WAIT":
            let item = try single("ITEM", dest: "item")
            return .queryWait(
                item: item, timeout: try seconds("query_timeout", allowZero: false) ?? JobOptions.defaultTimeout, identities: try strings("identity"))
        case "JOB_WAIT":
            let sha = try single("SHA", dest: "sha")
            let identities = try strings("identity")
            if identities.isEmpty { throw failure("needs --identity NODE… (the nodes that must have finished the job)") }
            return .jobWait(sha: sha, identities: identities, timeout: try seconds("job_timeout", allowZero: false) ?? JobOptions.defaultTimeout)
        case "WAIT":
            return try wait()
        case "QUEUESENTINEL":
            if operands.count > 1 { throw failure("takes at most one operand, got \(operands.count): \(operands.joined(separator: " "))") }
            return .queueSentinel
        case "ECHO":
            let echo = operandVars["echo"]?.joined(separator: " ") ?? text
            guard !echo.trimmingWhitespace().isEmpty else { throw failure("needs TEXT") }
            return .echo(echo)
        case "SERVICE":
            return try service()
        case "PKG", "DNF":
            return try packages()
        case "REBOOT":
            let given = operands(or: "time")
            if given.count > 1 { throw failure("takes one SECONDS operand, got \(given.joined(separator: " "))") }
            guard let raw = given.first else { return .reboot(seconds: nil) }
            guard let seconds = Self.wholeNumber(raw), seconds >= 0 else { throw failure("SECONDS '\(raw)' is not a whole number of seconds") }
            return .reboot(seconds: seconds)
        case "CACHEDUMP":
            return .cacheDump
        case "FACTER":
            return .facter
        case "POD":
            return .pod(try pod())
        case "CONTAINER_IMAGE":
            return .containerImage(try image())
        case "SECONTEXT":
            return .secontext(try secontext())
        case "CONTAINER_CONFIG_DATA":
            return try containerConfigData()
        default:
            throw failure("has no parser")
        }
    }

    private func single(_ name: String, dest: String) throws(OrchestrationError) -> String {
        let given = operands(or: dest)
        guard given.count == 1, let value = given.first, !value.trimmingWhitespace().isEmpty else {
            if given.isEmpty { throw failure("needs \(name)") }
            throw failure("takes one \(name), got \(given.count) operands: \(given.joined(separator: " ")) (quote a value with spaces)")
        }
        return value
    }

    private func keyValue() throws(OrchestrationError) -> (String, YAMLValue) {
        var cursor = ArgumentCursor(text)
        let keyToken: ArgumentToken?
        do {
            keyToken = try cursor.next()
        } catch {
            throw failure(error.message)
        }
        guard let keyToken, !keyToken.text.isEmpty else { throw failure("needs KEY VALUE") }
        let value = cursor.remainder
        guard !value.trimmingWhitespace().isEmpty else { throw failure("needs a VALUE after KEY '\(keyToken.text)'") }
        return (keyToken.text, YAMLValue.literal(value))
    }

    private func ownership() throws(OrchestrationError) -> String? {
        guard let chown = try string("chown") else { return nil }
        let parts = chown.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.allSatisfy(\.isEmpty) || chown.contains(where: \.isWhitespace) {
            throw failure("\(origin("chown")) '\(chown)' is not USER[:GROUP]")
        }
        return chown
    }

    private func transfer(baseDirectory: String?) throws(OrchestrationError) -> VerbCall {
        guard operands.count >= 2, let destination = operands.last else {
            throw failure(
                "needs SRC… DEST, got \(operands.isEmpty ? "nothing" : "only '\(operands.joined(separator: " "))'")"
                    + " (quote a path with spaces)")
        }
        let patterns = operands.dropLast()
        if patterns.count > 1, !VerbCall.isDirectory(destination) {
            throw failure("copies \(patterns.count) sources, so DEST '\(destination)' must be a directory ending in '/'")
        }
        let chown = try ownership()
        let chmod = try string("chmod")
        if let chmod, !Self.isOctalMode(chmod) { throw failure("\(origin("chmod")) '\(chmod)' is not an octal mode such as 0644") }
        let sources = patterns.map { SourceRef(pattern: $0, baseDirectory: baseDirectory) }
        let blueprint = flag("blueprint")
        return spec.name == "ADD"
            ? .add(sources: sources, destination: destination, chown: chown, chmod: chmod, blueprint: blueprint)
            : .copy(sources: sources, destination: destination, chown: chown, chmod: chmod, blueprint: blueprint)
    }

    private func wait() throws(OrchestrationError) -> VerbCall {
        if !text.trimmingWhitespace().isEmpty {
            throw failure("unexpected '\(text)'; WAIT takes --seconds N, --url URL or --cmd CMD (write --cmd last)")
        }
        var conditions: [WaitCondition] = []
        if let seconds = try seconds("seconds", allowZero: true) { conditions.append(.seconds(seconds)) }
        let url = try string("url")
        if let url { conditions.append(.url(url, insecure: flag("insecure"))) }
        if let command = try string("cmd") { conditions.append(.command(command)) }
        guard conditions.count == 1, let condition = conditions.first else {
            throw failure("needs exactly one of --seconds N, --url URL, --cmd CMD" + (conditions.isEmpty ? "" : ", got \(conditions.count)"))
        }
        if flag("insecure"), url == nil { throw failure("--insecure only applies to --url") }
        let retry = try integer("retry", minimum: 0) ?? 30
        let retryWait = try seconds("retry_wait", allowZero: true) ?? 1
        return .wait(condition, retry: retry, retryWait: retryWait)
    }

    private func service() throws(OrchestrationError) -> VerbCall {
        let services = operands(or: "services")
        if services.isEmpty { throw failure("needs at least one unit NAME") }
        if [flag("restarted"), flag("stopped"), flag("reloaded")].filter({ $0 }).count > 1 {
            throw failure("--restarted, --reloaded and --stopped exclude each other")
        }
        if [flag("enable"), flag("disable"), flag("mask"), flag("unmask")].filter({ $0 }).count > 1 {
            throw failure("--enable, --disable, --mask and --unmask exclude each other")
        }
        let running: VerbCall.ServiceRunState = flag("restarted") ? .restarted : flag("stopped") ? .stopped : flag("reloaded") ? .reloaded : .started
        let enablement: VerbCall.ServiceEnablement? =
            flag("enable") ? .enable : flag("disable") ? .disable : flag("mask") ? .mask : flag("unmask") ? .unmask : nil
        return .service(services: services, running: running, enablement: enablement, daemonReload: flag("daemon_reload"))
    }

    private func packages() throws(OrchestrationError) -> VerbCall {
        let packages = operands(or: "packages")
        if packages.isEmpty { throw failure("needs at least one PACKAGE") }
        if flag("latest"), flag("absent") { throw failure("--latest and --absent exclude each other") }
        let state: VerbCall.PackageState = flag("absent") ? .absent : flag("latest") ? .latest : .present
        return .pkg(packages: packages, state: state, exclude: try strings("exclude"), clearMetadata: flag("clear_metadata"))
    }

    /// 1 to 4 octal digits after an optional leading `0` (`644`, `0644`, `2755`), as
    /// Directord's `int(mode, 8)` reads them.
    static func isOctalMode(_ mode: String) -> Bool {
        var digits = Substring(mode)
        if digits.count == 5, digits.first == "0" { digits = digits.dropFirst() }
        return (1...4).contains(digits.count) && digits.allSatisfy { ("0"..."7").contains($0) }
    }

    /// A `chmod` symbolic mode: comma-separated `[ugoa]*[+-=][rwxXst]*` clauses.
    static func isSymbolicMode(_ mode: String) -> Bool {
        mode.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { clause in
            let who = clause.prefix { "ugoa".contains($0) }
            let rest = clause.dropFirst(who.count)
            guard let operation = rest.first, "+-=".contains(operation) else { return false }
            return rest.dropFirst().allSatisfy { "rwxXst+-=".contains($0) }
        }
    }
}
