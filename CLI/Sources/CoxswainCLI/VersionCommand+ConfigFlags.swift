import ArgumentParser
import CoxswainCore
import Foundation

/// The container configuration of `version image add|update`: a file (`--config-file`), changed
/// by docker-like flags. On update the flags change the stored configuration (a file replaces it).
package struct ContainerConfigFlags: ParsableArguments {
    @Option(help: "The container configuration as YAML or JSON (environment, ports, volumes, healthCheck, …); the flags below change it.")
    package var configFile: String?
    @Option(name: [.customShort("e"), .customLong("env")], help: "An environment variable KEY=VALUE ({{ version }} is the version's name; repeatable).")
    package var env: [String] = []
    @Option(name: [.customShort("p"), .customLong("publish")], help: "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/udp], or ranges 9000-9009:9000-9009 (repeatable).")
    package var publish: [String] = []
    @Option(name: [.customShort("v"), .customLong("volume")], help: "NAME:/path, /node/path:/path or /path, with :ro for read-only (repeatable).")
    package var volume: [String] = []
    @Option(help: "A label KEY=VALUE (repeatable).") package var label: [String] = []
    @Option(help: "The restart policy: no, always, unless-stopped, on-failure or on-failure:N.") package var restart: String?
    @Option(help: "A health check command, run by a shell in the container; 'none' turns the image's own off.") package var healthCmd: String?
    @Option(help: "Time between health checks: seconds or 30s, 1m.") package var healthInterval: String?
    @Option(help: "Time a health check may take: seconds or 5s.") package var healthTimeout: String?
    @Option(help: "Failed health checks in a row before the container is unhealthy.") package var healthRetries: Int?
    @Option(help: "Time after start in which failed health checks do not count: seconds or 1m.") package var healthStartPeriod: String?
    @Option(help: "user, user:group, uid or uid:gid.") package var user: String?
    @Option(help: "The working directory (absolute).") package var workdir: String?
    @Option(help: "A network to join (repeatable); host, none or bridge set the network mode instead.") package var network: [String] = []
    @Option(help: "A secret NAME the container gets as an environment variable; its value is set per deployment (repeatable).")
    package var secret: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "Replaces the image's entrypoint: one word per --command (repeatable).") package var command: [String] =
        []
    @Option(parsing: .unconditionalSingleValue, help: "Replaces the image's arguments: one per --arg (repeatable).") package var arg: [String] = []

    package init() {}

    /// Checks every flag's syntax before anything is read or sent.
    package func validate() throws {
        var scratch = ContainerConfig(healthCheck: ContainerConfig.HealthCheck(test: ["NONE"]))
        try apply(to: &scratch)
    }

    /// Whether any flag that changes the configuration was given (besides `--config-file`).
    package var changesSomething: Bool {
        !(env.isEmpty && publish.isEmpty && volume.isEmpty && label.isEmpty && network.isEmpty && secret.isEmpty && command.isEmpty && arg.isEmpty)
            || [restart, healthCmd, healthInterval, healthTimeout, healthStartPeriod, user, workdir].contains { $0 != nil } || healthRetries != nil
    }

    /// The configuration to send: `--config-file` (else `base`, the stored one) changed by the
    /// flags; nil when neither a file nor a flag was given (the configuration stays as it is).
    /// A bad file ends the command with exit code 2, a bad flag is a usage error.
    func configuration(base: ContainerConfig?) throws -> ContainerConfig? {
        guard configFile != nil || changesSomething else { return nil }
        var config = base ?? ContainerConfig()
        if let configFile {
            do {
                let file = try YAMLFile(path: configFile)
                config = file.root == nil ? ContainerConfig() : try file.decode(ContainerConfig.self)
            } catch {
                throw error.exit()
            }
        }
        try apply(to: &config)
        let problems = config.problems
        if !problems.isEmpty { throw ValidationError(problems.map(\.description).joined(separator: "; ")) }
        return config
    }

    /// Changes `config` as the flags say: variables and labels by key, ports by container port and
    /// protocol, volumes by container path, secrets and networks added; the rest replaced.
    package func apply(to config: inout ContainerConfig) throws {
        for pair in env {
            let (key, value) = try Self.keyValue(pair, flag: "-e")
            config.environment = (config.environment ?? [:]).merging([key: value]) { $1 }
        }
        for pair in label {
            let (key, value) = try Self.keyValue(pair, flag: "--label")
            config.labels = (config.labels ?? [:]).merging([key: value]) { $1 }
        }
        for text in publish {
            let spec: ComposeImport.PortSpec
            switch ComposeImport.port(text) {
            case .success(let s): spec = s
            case .failure(let why): throw ValidationError("-p \(why.message)")
            }
            if let port = spec.port {
                var ports = config.ports ?? []
                ports.removeAll { $0.key == port.key }
                config.ports = ports + [port]
            }
            if let range = spec.range {
                var ranges = config.portRanges ?? []
                ranges.removeAll { $0.key == range.key }
                config.portRanges = ranges + [range]
            }
        }
        for text in volume {
            switch ComposeImport.volume(text) {
            case .success(let (mount, unmapped)):
                if !unmapped.isEmpty { throw ValidationError("-v \(text): unknown option \(unmapped.joined(separator: ",")) (ro or rw)") }
                var volumes = config.volumes ?? []
                volumes.removeAll { $0.containerPath == mount.containerPath }
                config.volumes = volumes + [mount]
            case .failure(let why):
                throw ValidationError("-v \(why.message)")
            }
        }
        if let restart {
            guard let policy = ContainerConfig.RestartPolicy(parsing: restart) else {
                throw ValidationError("--restart takes no, always, unless-stopped, on-failure or on-failure:N, not '\(restart)'")
            }
            config.restartPolicy = policy
        }
        try applyHealthCheck(to: &config)
        if let user { config.user = user }
        if let workdir { config.workingDirectory = workdir }
        for name in network {
            if let mode = ContainerConfig.NetworkMode(rawValue: name) {
                config.networkMode = mode
            } else if !(config.networks ?? []).contains(name) {
                config.networks = (config.networks ?? []) + [name]
            }
        }
        for name in secret where !(config.secrets ?? []).contains(name) { config.secrets = (config.secrets ?? []) + [name] }
        if !command.isEmpty { config.command = command }
        if !arg.isEmpty { config.args = arg }
    }

    func applyHealthCheck(to config: inout ContainerConfig) throws {
        if let healthCmd {
            config.healthCheck = ContainerConfig.HealthCheck(test: healthCmd.lowercased() == "none" ? ["NONE"] : ["CMD-SHELL", healthCmd])
        }
        let timings = [("--health-interval", healthInterval), ("--health-timeout", healthTimeout), ("--health-start-period", healthStartPeriod)]
        guard timings.contains(where: { $0.1 != nil }) || healthRetries != nil else { return }
        guard var check = config.healthCheck else {
            throw ValidationError("the health check's timings need --health-cmd (or a healthCheck in the configuration)")
        }
        func seconds(_ flag: String, _ text: String?) throws -> Int? {
            guard let text else { return nil }
            guard let value = ComposeImport.seconds(text) else { throw ValidationError("\(flag) takes seconds or 30s, 1m, not '\(text)'") }
            return value
        }
        if let s = try seconds("--health-interval", healthInterval) { check.intervalSeconds = s }
        if let s = try seconds("--health-timeout", healthTimeout) { check.timeoutSeconds = s }
        if let s = try seconds("--health-start-period", healthStartPeriod) { check.startPeriodSeconds = s }
        if let healthRetries { check.retries = healthRetries }
        config.healthCheck = check
    }

    static func keyValue(_ pair: String, flag: String) throws -> (String, String) {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { throw ValidationError("\(flag) takes KEY=VALUE, got '\(pair)'") }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }
}
