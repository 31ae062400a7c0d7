/// Everything needed to create a container (`POST /containers/create`), as Swift values.
/// Unset optionals leave the engine's (or the image's) defaults.
package struct ContainerSpec: Sendable, Equatable {
    /// Image reference or ID.
    package var image: String
    /// Container name (build it with ``ContainerNaming/containerName(prefix:name:)``), or `nil` for a generated one.
    package var name: String?
    /// Environment variables (sent sorted by name).
    package var environment: [String: String]
    /// Command (replaces the image's `CMD`).
    package var command: [String]?
    /// Entrypoint (replaces the image's `ENTRYPOINT`).
    package var entrypoint: [String]?
    /// Labels (see ``ContainerLabels``).
    package var labels: [String: String]
    /// Ports published on the host.
    package var portBindings: [PortBinding]
    /// Ports exposed without publishing.
    package var exposedPorts: [ContainerPort]
    /// Bind mounts and named volumes.
    package var mounts: [Mount]
    /// `bridge`, `host`, `none`, `container:<id>`, `ns:<path>` (Podman) or a network name.
    package var networkMode: String?
    /// Networks to attach at create, with their aliases (dockerd before API 1.44 accepts one).
    package var networks: [String: [String]]
    /// Restart policy.
    package var restartPolicy: RestartPolicy?
    /// `user`, `uid` or `uid:gid`.
    package var user: String?
    /// Working directory.
    package var workingDirectory: String?
    /// Hostname inside the container.
    package var hostname: String?
    /// Allocate a TTY (the logs are then raw, not multiplexed).
    package var tty: Bool
    /// Log driver and options (`json-file`, `k8s-file`, `journald`…).
    package var logConfig: LogConfig?
    /// Memory limit in bytes.
    package var memoryBytes: Int64?
    /// CPU limit in billionths of a CPU (`500_000_000` = half a CPU).
    package var nanoCPUs: Int64?
    /// Healthcheck (the engine may not run it by itself: Podman without systemd does not).
    package var healthcheck: Healthcheck?
    /// Run an init process as PID 1 (signals and zombies handled; fast stop).
    package var initProcess: Bool?
    /// Capabilities to add (`NET_ADMIN`).
    package var capabilitiesAdded: [String]
    /// Capabilities to drop (`ALL`).
    package var capabilitiesDropped: [String]
    /// Run privileged.
    package var privileged: Bool
    /// Signal that stops it (`SIGTERM` by default).
    package var stopSignal: String?

    /// A specification with just the image; set the rest as needed.
    package init(image: String, name: String? = nil) {
        self.image = image
        self.name = name
        environment = [:]
        labels = [:]
        portBindings = []
        exposedPorts = []
        mounts = []
        networks = [:]
        tty = false
        capabilitiesAdded = []
        capabilitiesDropped = []
        privileged = false
    }

    /// A port inside the container.
    package struct ContainerPort: Sendable, Hashable {
        /// Port number.
        package var port: UInt16
        /// Transport protocol.
        package var transport: Transport

        /// `port/transport`.
        package init(_ port: UInt16, _ transport: Transport = .tcp) {
            self.port = port
            self.transport = transport
        }

        /// The API's key (`8080/tcp`).
        package var key: String { "\(port)/\(transport.rawValue)" }
    }

    /// Transport protocol of a port.
    package enum Transport: String, Sendable, Hashable {
        /// TCP.
        case tcp
        /// UDP.
        case udp
        /// SCTP.
        case sctp
    }

    /// A published port.
    package struct PortBinding: Sendable, Equatable {
        /// Port inside the container.
        package var container: ContainerPort
        /// Host address (`127.0.0.1`); `nil` for every address.
        package var hostIP: String?
        /// Host port; `nil` lets the engine choose.
        package var hostPort: UInt16?

        /// Publishes `container` on `hostIP:hostPort`.
        package init(container: ContainerPort, hostIP: String? = nil, hostPort: UInt16? = nil) {
            self.container = container
            self.hostIP = hostIP
            self.hostPort = hostPort
        }
    }

    /// A bind mount or named volume.
    package struct Mount: Sendable, Equatable {
        /// What is mounted.
        package enum Source: Sendable, Equatable {
            /// A host path.
            case bind(hostPath: String)
            /// A named volume (created when missing).
            case volume(name: String)
            /// A new anonymous volume for this container (removed with it when asked).
            case anonymous
        }
        /// What is mounted.
        package var source: Source
        /// Path inside the container.
        package var target: String
        /// Mount read-only.
        package var readOnly: Bool

        /// Mounts `source` at `target`.
        package init(source: Source, target: String, readOnly: Bool = false) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
        }

        /// The `HostConfig.Binds` entry (`src:dst[:ro]`), or nil for an anonymous volume (which
        /// goes in `HostConfig.Mounts`: `Binds` cannot express one).
        var bindSpec: String? {
            let from: String
            switch source {
            case .bind(let hostPath): from = hostPath
            case .volume(let name): from = name
            case .anonymous: return nil
            }
            return "\(from):\(target)" + (readOnly ? ":ro" : "")
        }
    }

    /// Restart policy.
    package enum RestartPolicy: Sendable, Equatable {
        /// Never restart.
        case no
        /// Always restart (Podman restarts at once, without backoff).
        case always
        /// Restart unless stopped by the user.
        case unlessStopped
        /// Restart after a non-zero exit, at most `maximumRetries` times (0 = no limit).
        case onFailure(maximumRetries: Int64)
    }

    /// Log driver and its options.
    package struct LogConfig: Sendable, Equatable {
        /// Driver name.
        package var driver: String
        /// Driver options (`max-size`…).
        package var options: [String: String]

        /// A driver with options.
        package init(driver: String, options: [String: String] = [:]) {
            self.driver = driver
            self.options = options
        }
    }

    /// A healthcheck.
    package struct Healthcheck: Sendable, Equatable {
        /// The test: `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]`.
        package var test: [String]
        /// Time between checks.
        package var interval: Duration?
        /// Time one check may take.
        package var timeout: Duration?
        /// Failures in a row before `unhealthy`.
        package var retries: Int64?
        /// Grace period after start during which failures do not count.
        package var startPeriod: Duration?

        /// A healthcheck running `test`.
        package init(test: [String], interval: Duration? = nil, timeout: Duration? = nil, retries: Int64? = nil, startPeriod: Duration? = nil) {
            self.test = test
            self.interval = interval
            self.timeout = timeout
            self.retries = retries
            self.startPeriod = startPeriod
        }

        /// A shell healthcheck (`CMD-SHELL command`).
        package static func shell(_ command: String, interval: Duration? = nil, timeout: Duration? = nil, retries: Int64? = nil) -> Healthcheck {
            Healthcheck(test: ["CMD-SHELL", command], interval: interval, timeout: timeout, retries: retries)
        }
    }
}
