/// What `GET /containers/{id}/json` says about one container (the fields Coxswain uses).
package struct ContainerDetails: Sendable, Equatable, Decodable {
    /// Full container ID.
    package let id: String
    /// Name without the leading `/`.
    package let name: String
    /// Creation time (RFC 3339 text, as the engine gives it).
    package let created: String?
    /// Image ID.
    package let imageID: String?
    /// Runtime state.
    package let state: State
    /// How many times the engine restarted it (restart policy).
    package let restartCount: Int64
    /// Configuration it was created with.
    package let config: Config
    /// Published ports: `"8080/tcp"` → host bindings (empty when not published).
    package let ports: [String: [HostBinding]]

    /// Runtime state of a container.
    package struct State: Sendable, Equatable, Decodable {
        /// `created`, `running`, `exited`, `paused`, `restarting`, `dead`…
        package let status: String
        /// `true` while it runs.
        package let running: Bool
        /// `true` while the engine restarts it.
        package let restarting: Bool
        /// `true` if the kernel killed it for memory.
        package let oomKilled: Bool
        /// Main process ID on the host (0 when not running).
        package let pid: Int64
        /// Exit code of the last run.
        package let exitCode: Int64
        /// Engine error of the last start, if any.
        package let error: String?
        /// Start time (RFC 3339 text).
        package let startedAt: String?
        /// End time (RFC 3339 text).
        package let finishedAt: String?
        /// Health status (`starting`, `healthy`, `unhealthy`), or `nil` without a healthcheck.
        package let health: String?
        /// Failed health checks in a row (0 without a healthcheck).
        package let healthFailingStreak: Int64
        /// The newest health check the engine recorded: its exit code and output (what a failed
        /// rollout reports), or `nil` before the first check.
        package let lastHealthCheck: HealthCheckRecord?

        /// One health check run as the engine records it.
        package struct HealthCheckRecord: Sendable, Equatable, Decodable {
            /// The check's exit code (0 passed).
            package let exitCode: Int64
            /// What it printed (the engine keeps the first 4 KiB or so).
            package let output: String

            enum CodingKeys: String, CodingKey { case exitCode = "ExitCode", output = "Output" }

            package init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                exitCode = try c.decodeIfPresent(Int64.self, forKey: .exitCode) ?? -1
                output = try c.decodeIfPresent(String.self, forKey: .output) ?? ""
            }
        }

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", restarting = "Restarting", oomKilled = "OOMKilled", pid = "Pid"
            case exitCode = "ExitCode", error = "Error", startedAt = "StartedAt", finishedAt = "FinishedAt", health = "Health"
        }
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private struct Health: Decodable {
            let Status: String?
            let FailingStreak: Int64?
            let Log: [HealthCheckRecord]?
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = try c.decodeIfPresent(String.self, forKey: .status) ?? "unknown"
            running = try c.decodeIfPresent(Bool.self, forKey: .running) ?? false
            restarting = try c.decodeIfPresent(Bool.self, forKey: .restarting) ?? false
            oomKilled = try c.decodeIfPresent(Bool.self, forKey: .oomKilled) ?? false
            pid = try c.decodeIfPresent(Int64.self, forKey: .pid) ?? 0
            exitCode = try c.decodeIfPresent(Int64.self, forKey: .exitCode) ?? 0
            error = try c.decodeIfPresent(String.self, forKey: .error).flatMap { $0.isEmpty ? nil : $0 }
            startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt)
            finishedAt = try c.decodeIfPresent(String.self, forKey: .finishedAt)
            let health = try c.decodeIfPresent(Health.self, forKey: .health)
            self.health = health?.Status.flatMap { $0.isEmpty ? nil : $0 }
            healthFailingStreak = health?.FailingStreak ?? 0
            lastHealthCheck = health?.Log?.last
        }
    }

    /// The configuration part of an inspect.
    package struct Config: Sendable, Equatable, Decodable {
        /// Image as given at create.
        package let image: String
        /// Labels.
        package let labels: [String: String]
        /// Environment, `KEY=value`.
        package let env: [String]
        /// Command.
        package let cmd: [String]
        /// `true` if it has a TTY (its logs are then not multiplexed).
        package let tty: Bool
        /// User it runs as, if set.
        package let user: String?
        /// Working directory, if set.
        package let workingDir: String?

        enum CodingKeys: String, CodingKey {
            case image = "Image", labels = "Labels", env = "Env", cmd = "Cmd", tty = "Tty", user = "User", workingDir = "WorkingDir"
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
            cmd = try c.decodeIfPresent([String].self, forKey: .cmd) ?? []
            tty = try c.decodeIfPresent(Bool.self, forKey: .tty) ?? false
            user = try c.decodeIfPresent(String.self, forKey: .user).flatMap { $0.isEmpty ? nil : $0 }
            workingDir = try c.decodeIfPresent(String.self, forKey: .workingDir).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// One host binding of a published port.
    package struct HostBinding: Sendable, Equatable, Decodable {
        /// Host address (`127.0.0.1`, `0.0.0.0`, or empty).
        package let hostIP: String?
        /// Host port, as text (the API's own type).
        package let hostPort: String?

        enum CodingKeys: String, CodingKey { case hostIP = "HostIp", hostPort = "HostPort" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", imageID = "Image", state = "State", restartCount = "RestartCount"
        case config = "Config", networkSettings = "NetworkSettings"
    }
    // The API's field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    private struct NetworkSettings: Decodable { let Ports: [String: [HostBinding]?]? }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        let rawName = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        created = try c.decodeIfPresent(String.self, forKey: .created)
        imageID = try c.decodeIfPresent(String.self, forKey: .imageID)
        state = try c.decode(State.self, forKey: .state)
        restartCount = try c.decodeIfPresent(Int64.self, forKey: .restartCount) ?? 0
        config = try c.decode(Config.self, forKey: .config)
        let settings = try c.decodeIfPresent(NetworkSettings.self, forKey: .networkSettings)
        ports = (settings?.Ports ?? [:]).compactMapValues { $0 }
    }
}
