import AsyncHTTPClient
import CoxswainConfig
import CoxswainCore
import Foundation
import NIOSSL

/// Every key the Deployer reads (see the service README).
package struct DeployerConfiguration: Sendable {
    package var common: CommonConfiguration
    /// `deployer.node_name`: this node's name. Default: the host name, lower-cased.
    package var nodeName: NodeName
    /// `deployer.machine_id`: machine identity. Default: /etc/machine-id.
    package var machineID: String
    /// `deployer.state_dir`: durable local state (task journal). Default /var/lib/coxswain/deployer.
    package var stateDirectory: String
    /// `deployer.heartbeat_interval`: Default 5s.
    package var heartbeatInterval: Duration
    /// `deployer.labels`: `k=v,k2=v2` labels reported with heartbeats.
    package var labels: [String: String]
    /// `deployer.concurrency`: task batches run at once (the node queue's prefetch). Default 8.
    package var concurrency: Int
    /// `deployer.reboot_command`: what REBOOT runs (after its delay). Default `systemctl reboot || reboot`.
    package var rebootCommand: String
    /// `deployer.output_limit`: bytes of stdout/stderr kept per task. Default 1 MiB.
    package var outputLimit: Int
    /// `deployer.enrol_token` (secret): one-time token from `coxswain node add`, used on first start.
    package var enrolToken: String?
    /// `deployer.gateway_url`: where to enrol: `http://host:port` or `unix:///path/gateway.sock`.
    package var gatewayURL: String?
    /// `deployer.gateway_ca_file`: the CA (or the Gateway's self-signed certificate), PEM, trusted
    /// instead of the system's for an `https://` gateway URL (enrolment and artifact downloads).
    package var gatewayCAFile: String?
    /// `deployer.pass_environment`: names of the agent's environment variables that jobs also get,
    /// besides the minimal set (PATH, HOME, LANG, LC_ALL, TZ, USER, LOGNAME, SHELL, TERM). Default none:
    /// the agent's own environment (broker URL, enrolment token, …) never reaches a job.
    package var passEnvironment: [String]
    /// `deployer.container_socket`: the Docker-compatible Engine API socket (a path or `unix://…`).
    /// Default: `/run/podman/podman.sock`, then `/var/run/docker.sock`, whichever exists.
    package var containerSocket: String?

    package static let keys: [(key: String, help: String)] =
        CommonConfiguration.keys.filter { $0.key != "database.url" } + [
            ("deployer.node_name", "this node's name (default: host name)"),
            ("deployer.machine_id", "machine identity (default: /etc/machine-id)"),
            ("deployer.state_dir", "durable local state (default /var/lib/coxswain/deployer)"),
            ("deployer.heartbeat_interval", "heartbeat interval (default 5s)"),
            ("deployer.labels", "labels k=v,k2=v2"),
            ("deployer.concurrency", "task batches run at once (default 8)"),
            ("deployer.reboot_command", "what REBOOT runs after its delay (default: systemctl reboot || reboot)"),
            ("deployer.container_socket", "Docker Engine API socket (default: /run/podman/podman.sock, then /var/run/docker.sock)"),
            ("deployer.output_limit", "bytes of output kept per stream and task (default 1048576)"),
            ("deployer.enrol_token", "one-time enrolment token from `coxswain node add` (secret; first start only)"),
            ("deployer.gateway_url", "gateway to enrol with: http://host:port or unix:///path/gateway.sock"),
            ("deployer.gateway_ca_file", "PEM CA or self-signed certificate trusted instead of the system's for an https gateway_url"),
            ("deployer.pass_environment", "agent environment variables jobs also get, comma-separated (default none; PATH, HOME, LANG… always)"),
        ]

    /// Variables every job gets from the agent's environment (when set there).
    package static let baseEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "SHELL", "TERM"]

    /// The environment jobs start with: the minimal set plus `deployer.pass_environment`, never
    /// the rest of the agent's environment (which holds its broker URL and enrolment token).
    package func jobEnvironment(from agent: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in Self.baseEnvironment + passEnvironment { if let v = agent[name] { out[name] = v } }
        if out["PATH"] == nil { out["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
        return out
    }

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        common = try CommonConfiguration(config, needsDatabase: false, needsBroker: false)
        let hostName = ProcessInfo.processInfo.hostName.lowercased().split(separator: ".").first.map(String.init) ?? "localhost"
        let rawName = config.string("deployer.node_name", default: hostName)
        do { nodeName = try NodeName(validating: rawName) } catch {
            throw .invalidValue(key: "deployer.node_name", reason: error.description)
        }
        let fileMachineID = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        machineID = config.string("deployer.machine_id") ?? (fileMachineID.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
        stateDirectory = config.string("deployer.state_dir", default: "/var/lib/coxswain/deployer")
        heartbeatInterval = try config.duration("deployer.heartbeat_interval", default: .seconds(5), minimum: .milliseconds(100))
        labels = try config.stringMap("deployer.labels")
        concurrency = try config.int("deployer.concurrency", default: 8, range: 1...1024)
        rebootCommand = config.string("deployer.reboot_command", default: "systemctl reboot || reboot")
        containerSocket = config.string("deployer.container_socket").flatMap { $0.isEmpty ? nil : $0 }
        outputLimit = try config.int("deployer.output_limit", default: 1 << 20, range: 1024...(64 << 20))
        enrolToken = config.string("deployer.enrol_token")
        gatewayURL = config.string("deployer.gateway_url")
        gatewayCAFile = config.string("deployer.gateway_ca_file").flatMap { $0.isEmpty ? nil : $0 }
        if let gatewayCAFile, !FileManager.default.isReadableFile(atPath: gatewayCAFile) {
            throw .invalidValue(key: "deployer.gateway_ca_file", reason: "cannot read \(gatewayCAFile)")
        }
        passEnvironment = config.string("deployer.pass_environment", default: "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("COXSWAIN_") }
    }
}

extension DeployerConfiguration {
    /// The HTTP client's configuration: `deployer.gateway_ca_file` as the only trusted root when set.
    package var httpClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        if let gatewayCAFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(gatewayCAFile)
            configuration.tlsConfiguration = tls
        }
        return configuration
    }
}
