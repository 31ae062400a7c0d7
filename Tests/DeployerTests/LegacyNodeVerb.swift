import CoxswainCore
import CoxswainCrypto
import CoxswainOrchestration
import CoxswainTemplating
import Foundation

@testable import DeployerService

/// Directord's verbs as they run on a node: options parsed with Directord's grammar
/// (`CoxswainOrchestration.VerbParser`), templates (RUN text, WORKDIR, WAIT url/cmd, ARG/ENV values)
/// rendered against the node's args with strict undefined variables, and the job cache: a job that
/// succeeded here is skipped next time unless `--skip-cache`; its fingerprint covers the verb, its
/// options and its **rendered** inputs, so a changed value runs again.
/// The verb switch as it was before the split (temporary, for pinning the golden answers).
struct LegacyNodeVerb {
    let store: NodeStore
    let renderer = TemplateRenderer()
    /// Blueprint files keep their final newline (Jinja's `keep_trailing_newline`), as files should.
    let fileRenderer = TemplateRenderer(options: .init(keepTrailingNewline: true))

    init(store: NodeStore) {
        self.store = store
    }

    /// Verbs whose effect must happen every time (never answered from the cache).
    static let uncached: Set<String> = ["CACHEEVICT", "ECHO", "WAIT", "QUERY", "QUERY_WAIT", "JOB_WAIT", "REKEY", "REBOOT", "CACHEDUMP"]

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let call: VerbCall
        let options: JobOptions
        do {
            let vars = try task.varsJSON.map { try JSONDecoder().decode([String: YAMLValue].self, from: Data($0.utf8)) } ?? [:]
            (call, options) = try VerbParser.parse(verb: task.verb.rawValue, arguments: task.arguments, vars: vars, at: SourceLocation(file: "job", block: 1))
        } catch {
            return VerbOutcome(status: .failed, error: "\(error)")
        }
        if case .execHelp(let verb) = call { return VerbOutcome(status: .succeeded, exitCode: 0, stdout: VerbParser.help(verb: verb) + "\n") }
        // Args are read only when something is templated (most RUNs are plain shell).
        var args: [String: TemplateValue]?
        func render(_ text: String) async throws -> String {
            guard renderer.isTemplate(text) else { return text }
            if args == nil { args = try await store.args() }
            return try renderer.render(text, name: task.verb.rawValue, context: args ?? [:])
        }
        let rendered: LegacyRenderedCall
        do {
            rendered = try await LegacyRenderedCall(call, render: render)
        } catch let error as TemplateError {
            return VerbOutcome(status: .failed, error: "template: \(error)")
        }
        // ADD/COPY: the files' digests (after rendering, with --blueprint) are inputs too.
        var transfer: Transfer?
        switch rendered.call {
        case .add(_, let destination, let chown, let chmod, let blueprint), .copy(_, let destination, let chown, let chmod, let blueprint):
            do {
                transfer = try await Transfer.prepare(
                    files: task.artifacts ?? [], destination: destination, chown: chown, chmod: chmod, blueprint: blueprint, context: context,
                    render: { text, name in
                        if args == nil { args = try await store.args() }
                        return try fileRenderer.render(text, name: name, context: args ?? [:])
                    }
                )
            } catch let error as TemplateError {
                return VerbOutcome(status: .failed, error: "template: \(error)")
            } catch {
                return VerbOutcome(status: .failed, error: "\(task.verb.rawValue): \(error)")
            }
        default:
            break
        }
        defer { transfer?.cleanUp() }
        let fingerprint = Digest.sha256Hex(
            task.verb.rawValue + "\u{1F}" + rendered.identity + "\u{1F}" + options.cacheIdentity + (transfer.map { "\u{1F}" + $0.identity } ?? "")
        )
        let cacheable = !Self.uncached.contains(task.verb.rawValue)
        if cacheable, !options.skipCache, try await store.isCached(fingerprint) {
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "", error: nil, cached: fingerprint)
        }
        var outcome: VerbOutcome
        if let transfer {
            do {
                outcome = VerbOutcome(status: .succeeded, exitCode: 0, stdout: try await transfer.apply(context: context))
            } catch {
                outcome = VerbOutcome(status: .failed, error: "\(task.verb.rawValue): \(error)")
            }
        } else {
            outcome = try await perform(rendered, task: task, options: options, context: context)
        }
        outcome.fingerprint = fingerprint
        if outcome.status == .succeeded {
            if let key = options.stdoutArg { try await store.setArg(key, .string(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) }
            if let key = options.stderrArg { try await store.setArg(key, .string(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))) }
            if cacheable { try await store.remember(fingerprint, verb: task.verb.rawValue) }
        }
        return outcome
    }

    func perform(_ call: LegacyRenderedCall, task: TaskSpec, options: JobOptions, context: VerbContext) async throws -> VerbOutcome {
        switch call.call {
        case .run(let command, let noBlock):
            var spec = task
            // --no-block: started in its own session with no output kept; the task does not wait for it.
            spec.arguments = noBlock ? "setsid sh -c \(shellQuote(command)) >/dev/null 2>&1 < /dev/null &" : command
            for (k, v) in try await store.envs() where spec.environment[k] == nil { spec.environment[k] = v }
            return try await ShellCommand.run(spec.arguments, task: spec, context: context)
        case .echo(let text):
            context.emit(.stdout, text + "\n")
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: text + "\n")
        case .arg(let key, let value, let extend):
            try await store.setArg(key, try value.templateValue(), extend: extend)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) set\n")
        case .env(let key, let value, let extend):
            try await store.setEnv(key, value.plainText, extend: extend)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) set\n")
        case .cachefile(let path):
            guard let data = FileManager.default.contents(atPath: path) else { return VerbOutcome(status: .failed, error: "cannot read \(path)") }
            guard case .map(let values) = try YAMLValue.parse(yaml: String(decoding: data, as: UTF8.self), file: path).templateValue() else {
                return VerbOutcome(status: .failed, error: "\(path) is not a YAML or JSON mapping")
            }
            for (k, v) in values { try await store.setArg(k, v) }
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(values.count) args from \(path)\n")
        case .cacheevict(let what):
            try await store.evict(what)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "evicted \(what)\n")
        case .workdir(let path, let chown, let chmod, _):
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                if let chmod, let mode = Int(chmod, radix: 8) { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
                if let chown { try FileManager.default.changeOwner(of: path, to: chown) }
            } catch {
                return VerbOutcome(status: .failed, error: "WORKDIR \(path): \(error.localizedDescription)")
            }
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(path)\n")
        case .wait(let condition, let retry, let retryWait):
            return try await wait(condition, retry: retry, retryWait: retryWait, task: task, context: context)
        case .service(let services, let running, let enablement, let daemonReload):
            guard FileManager.default.fileExists(atPath: "/run/systemd/system") else {
                return VerbOutcome(status: .failed, error: "SERVICE needs systemd, and this node does not run it (no /run/systemd/system)")
            }
            var commands: [String] = []
            if daemonReload { commands.append("systemctl daemon-reload") }
            let names = services.map(shellQuote).joined(separator: " ")
            if let enablement { commands.append("systemctl \(enablement.rawValue) \(names)") }
            // A masked unit cannot be started: mask only changes the enablement.
            if !services.isEmpty, enablement != .mask {
                let action = switch running {
                case .started: "start"
                case .restarted: "restart"
                case .reloaded: "reload"
                case .stopped: "stop"
                }
                commands.append("systemctl \(action) \(names)")
            }
            return try await shell(commands.joined(separator: " && "), task: task, context: context)
        case .pkg(let packages, let state, let exclude, let clearMetadata):
            return try await shell(Self.packageCommand(packages: packages, state: state, exclude: exclude, clearMetadata: clearMetadata), task: task, context: context)
        case .query(let key, _):
            let value = try await store.args()[key] ?? .null
            let json = String(decoding: try JSONEncoder.sortedKeys.encode(value), as: UTF8.self)
            var outcome = VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) = \(json)\n")
            outcome.queryValue = json
            return outcome
        case .queryWait(let item, let timeout, let identities):
            let deadline = ContinuousClock.now + .clampedSeconds(timeout)
            while true {
                if case .map(let query) = try await store.args()["query"] ?? .null {
                    let holders = query.filter { _, values in
                        if case .map(let m) = values, let v = m[item], v != .null { return true }
                        return false
                    }.keys
                    let done = identities.isEmpty ? !holders.isEmpty : Set(identities).isSubset(of: Set(holders))
                    if done { return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(item) present for \(holders.sorted().joined(separator: ", "))\n") }
                }
                guard ContinuousClock.now < deadline else {
                    return VerbOutcome(
                        status: .failed,
                        error: "QUERY_WAIT \(item): not in the query cache\(identities.isEmpty ? "" : " of " + identities.joined(separator: ", ")) within \(Duration.clampedSeconds(timeout)) "
                    )
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        case .jobWait(let sha, let identities, _):
            // The Scheduler sends JOB_WAIT only once the job finished on every identity.
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "job \(sha) finished on \(identities.joined(separator: ", "))\n")
        case .reboot(let seconds):
            let delay = seconds ?? 10
            var spec = task
            spec.arguments = "setsid sh -c \(shellQuote("sleep \(delay); \(context.rebootCommand)")) >/dev/null 2>&1 < /dev/null &"
            let started = try await ShellCommand.run(spec.arguments, task: spec, context: context)
            guard started.status == .succeeded else { return started }
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "rebooting in \(delay) s; queued work waits for the node's next heartbeat\n")
        case .cacheDump:
            let dump = String(decoding: try JSONEncoder.sortedKeys.encode(try await store.dump()), as: UTF8.self)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: dump + "\n")
        default:
            return VerbOutcome(status: .failed, error: "verb \(task.verb.rawValue) is not supported by this agent yet")
        }
    }

    func wait(_ condition: WaitCondition, retry: Int, retryWait: Double, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        switch condition {
        case .seconds(let s):
            try await Task.sleep(for: .clampedSeconds(s))
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "waited \(s) s\n")
        case .command(let command):
            var attempt = 0
            while true {
                var spec = task
                spec.arguments = command
                let outcome = try await ShellCommand.run(spec.arguments, task: spec, context: context)
                if outcome.status == .succeeded || attempt >= retry { return outcome }
                attempt += 1
                try await Task.sleep(for: .clampedSeconds(retryWait))
            }
        case .url(let url, let insecure):
            var attempt = 0
            while true {
                var spec = task
                spec.arguments = "curl -fsS -o /dev/null --max-time 10 \(insecure ? "--insecure " : "")" + shellQuote(url)
                let outcome = try await ShellCommand.run(spec.arguments, task: spec, context: context)
                if outcome.status == .succeeded || attempt >= retry {
                    return outcome.status == .succeeded ? VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(url) answered\n") : outcome
                }
                attempt += 1
                try await Task.sleep(for: .clampedSeconds(retryWait))
            }
        }
    }

    func shellQuote(_ s: String) -> String { Self.shellQuote(s) }

    /// `--chown USER[:GROUP]` (names or numeric ids).
    static func changeOwner(of path: String, to chown: String) throws {
        let parts = chown.split(separator: ":").map(String.init)
        var attributes: [FileAttributeKey: Any] = [:]
        if let u = parts.first { attributes[Int(u) != nil ? .ownerAccountID : .ownerAccountName] = Int(u) ?? u }
        if parts.count > 1 { attributes[Int(parts[1]) != nil ? .groupOwnerAccountID : .groupOwnerAccountName] = Int(parts[1]) ?? parts[1] }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: path)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func shell(_ command: String, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        var spec = task
        spec.arguments = command
        spec.environment["DEBIAN_FRONTEND"] = "noninteractive"
        return try await ShellCommand.run(spec.arguments, task: spec, context: context)
    }

    /// PKG/DNF as a shell command for the node's package manager (apt-get or dnf, detected there).
    static func packageCommand(packages: [String], state: VerbCall.PackageState, exclude: [String], clearMetadata: Bool) -> String {
        let names = packages.map(shellQuote).joined(separator: " ")
        let dnfExclude = exclude.map { "--exclude=" + shellQuote($0) }.joined(separator: " ")
        let apt: [String] = [
            clearMetadata ? "apt-get clean" : nil,
            state == .latest || clearMetadata ? "apt-get update -q" : nil,
            exclude.isEmpty ? nil : "apt-mark hold " + exclude.map(shellQuote).joined(separator: " "),
            packages.isEmpty ? nil : (state == .absent ? "apt-get remove -y -q \(names)" : "apt-get install -y -q \(state == .latest ? "--only-upgrade " : "")\(names)"),
        ].compactMap { $0 }
        let dnf: [String] = [
            clearMetadata ? "dnf clean all" : nil,
            packages.isEmpty ? nil : "dnf \(state == .absent ? "remove" : state == .latest ? "upgrade" : "install") -y \(dnfExclude) \(names)",
        ].compactMap { $0 }
        let aptScript = apt.isEmpty ? "true" : apt.joined(separator: " && ")
        let dnfScript = dnf.isEmpty ? "true" : dnf.joined(separator: " && ")
        return "if command -v apt-get >/dev/null 2>&1; then \(aptScript); elif command -v dnf >/dev/null 2>&1; then \(dnfScript); "
            + "else echo 'PKG needs apt-get or dnf on the node' >&2; exit 127; fi"
    }
}

/// A verb call with its templated fields rendered, and a stable text of its inputs for fingerprints.
struct LegacyRenderedCall {
    let call: VerbCall
    let identity: String

    init(_ call: VerbCall, render: (String) async throws -> String) async throws {
        switch call {
        case .run(let command, let noBlock): self.call = .run(command: try await render(command), noBlock: noBlock)
        case .workdir(let path, let chown, let chmod, let recursive): self.call = .workdir(path: try await render(path), chown: chown, chmod: chmod, recursive: recursive)
        case .wait(.url(let url, let insecure), let retry, let retryWait): self.call = .wait(.url(try await render(url), insecure: insecure), retry: retry, retryWait: retryWait)
        case .wait(.command(let cmd), let retry, let retryWait): self.call = .wait(.command(try await render(cmd)), retry: retry, retryWait: retryWait)
        case .arg(let key, .string(let text), let extend): self.call = .arg(key: key, value: .string(try await render(text)), extend: extend)
        case .env(let key, .string(let text), let extend): self.call = .env(key: key, value: .string(try await render(text)), extend: extend)
        case .echo(let text): self.call = .echo(try await render(text))
        case .add(let sources, let destination, let chown, let chmod, let blueprint):
            self.call = .add(sources: sources, destination: try await render(destination), chown: chown, chmod: chmod, blueprint: blueprint)
        case .copy(let sources, let destination, let chown, let chmod, let blueprint):
            self.call = .copy(sources: sources, destination: try await render(destination), chown: chown, chmod: chmod, blueprint: blueprint)
        default: self.call = call
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        identity = String(decoding: (try? encoder.encode(self.call)) ?? Data(), as: UTF8.self)
    }
}

