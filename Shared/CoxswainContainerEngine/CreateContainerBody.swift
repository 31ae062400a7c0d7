// The properties are the API's own field names.
// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation

/// The JSON body of `POST /containers/create` (API 1.41 field names), built from a ``ContainerSpec``.
struct CreateContainerBody: Encodable {
    struct Empty: Encodable {}
    struct HostPortBody: Encodable {
        let HostIp: String
        let HostPort: String
    }
    struct RestartPolicyBody: Encodable {
        let Name: String
        let MaximumRetryCount: Int64
    }
    struct LogConfigBody: Encodable {
        let `Type`: String
        let Config: [String: String]
    }
    struct HealthcheckBody: Encodable {
        let Test: [String]
        let Interval: Int64?
        let Timeout: Int64?
        let Retries: Int64?
        let StartPeriod: Int64?
    }
    struct MountBody: Encodable {
        let `Type`: String
        let Target: String
        let ReadOnly: Bool
    }
    struct HostConfigBody: Encodable {
        let Binds: [String]?
        let Mounts: [MountBody]?
        let PortBindings: [String: [HostPortBody]]?
        let NetworkMode: String?
        let RestartPolicy: RestartPolicyBody?
        let LogConfig: LogConfigBody?
        let Memory: Int64?
        let NanoCpus: Int64?
        let Init: Bool?
        let CapAdd: [String]?
        let CapDrop: [String]?
        let Privileged: Bool?
    }
    struct EndpointSettingsBody: Encodable {
        let Aliases: [String]?
    }
    struct NetworkingConfigBody: Encodable {
        let EndpointsConfig: [String: EndpointSettingsBody]
    }

    let Image: String
    let Env: [String]?
    let Cmd: [String]?
    let Entrypoint: [String]?
    let Labels: [String: String]?
    let ExposedPorts: [String: Empty]?
    let User: String?
    let WorkingDir: String?
    let Hostname: String?
    let Tty: Bool
    let OpenStdin: Bool
    let AttachStdout: Bool
    let AttachStderr: Bool
    let StopSignal: String?
    let Healthcheck: HealthcheckBody?
    let HostConfig: HostConfigBody
    let NetworkingConfig: NetworkingConfigBody?

    init(_ spec: ContainerSpec) {
        Image = spec.image
        Env = spec.environment.isEmpty ? nil : spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        Cmd = spec.command
        Entrypoint = spec.entrypoint
        Labels = spec.labels.isEmpty ? nil : spec.labels
        var exposed: [String: Empty] = [:]
        for port in spec.exposedPorts { exposed[port.key] = Empty() }
        var bindings: [String: [HostPortBody]] = [:]
        for binding in spec.portBindings {
            exposed[binding.container.key] = Empty()
            bindings[binding.container.key, default: []].append(
                HostPortBody(HostIp: binding.hostIP ?? "", HostPort: binding.hostPort.map { String($0) } ?? ""))
        }
        ExposedPorts = exposed.isEmpty ? nil : exposed
        User = spec.user
        WorkingDir = spec.workingDirectory
        Hostname = spec.hostname
        Tty = spec.tty
        OpenStdin = false
        AttachStdout = false
        AttachStderr = false
        StopSignal = spec.stopSignal
        Healthcheck = spec.healthcheck.map {
            .init(
                Test: $0.test, Interval: $0.interval.map(Self.nanoseconds), Timeout: $0.timeout.map(Self.nanoseconds), Retries: $0.retries,
                StartPeriod: $0.startPeriod.map(Self.nanoseconds))
        }
        let restart: RestartPolicyBody? = spec.restartPolicy.map {
            switch $0 {
            case .no: RestartPolicyBody(Name: "no", MaximumRetryCount: 0)
            case .always: RestartPolicyBody(Name: "always", MaximumRetryCount: 0)
            case .unlessStopped: RestartPolicyBody(Name: "unless-stopped", MaximumRetryCount: 0)
            case .onFailure(let retries): RestartPolicyBody(Name: "on-failure", MaximumRetryCount: max(0, retries))
            }
        }
        let binds = spec.mounts.compactMap(\.bindSpec)
        let anonymous = spec.mounts.filter { $0.source == .anonymous }.map { MountBody(Type: "volume", Target: $0.target, ReadOnly: $0.readOnly) }
        HostConfig = .init(
            Binds: binds.isEmpty ? nil : binds,
            Mounts: anonymous.isEmpty ? nil : anonymous,
            PortBindings: bindings.isEmpty ? nil : bindings,
            NetworkMode: spec.networkMode,
            RestartPolicy: restart,
            LogConfig: spec.logConfig.map { .init(Type: $0.driver, Config: $0.options) },
            Memory: spec.memoryBytes,
            NanoCpus: spec.nanoCPUs,
            Init: spec.initProcess,
            CapAdd: spec.capabilitiesAdded.isEmpty ? nil : spec.capabilitiesAdded,
            CapDrop: spec.capabilitiesDropped.isEmpty ? nil : spec.capabilitiesDropped,
            Privileged: spec.privileged ? true : nil)
        NetworkingConfig =
            spec.networks.isEmpty
            ? nil : .init(EndpointsConfig: spec.networks.mapValues { EndpointSettingsBody(Aliases: $0.isEmpty ? nil : $0) })
    }

    /// Nanoseconds of `duration`, saturating instead of trapping; negatives give 0.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : max(0, sum)
    }
}

extension ContainerSpec {
    /// The JSON body `POST /containers/create` sends for this specification (API 1.41 field
    /// names): what tests of a mapping onto the engine check, without an engine.
    package func createBody() throws -> Data {
        try JSONEncoder().encode(CreateContainerBody(self))
    }
}
