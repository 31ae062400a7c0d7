import CoxswainContainerEngine
import CoxswainCore
import CoxswainCrypto
import Foundation

/// How one instance of a `DEPLOY` rollout becomes engine containers: the engine names it goes by
/// during a try, and the pure mapping of its effective `ContainerConfig` (every field) onto a
/// `ContainerSpec`. No I/O; `DeployVerbMappingTests` checks it field by field.
struct DeploymentContainer: Sendable, Equatable {
    let instance: RolloutInstance
    let rollout: DeploymentRollout
    /// Whether the node's port proxy serves the published ports (`canUseProxy`, and the node has a
    /// running proxy): the container publishes them on loopback ports the engine chooses, so that
    /// the new container runs beside the previous one and the proxy switches between them.
    let throughProxy: Bool

    init(instance: RolloutInstance, rollout: DeploymentRollout, throughProxy: Bool = false) {
        self.instance = instance
        self.rollout = rollout
        self.throughProxy = throughProxy
    }

    /// `<prefix>-<name>`: the instance's container once in place.
    var current: String { "\(rollout.prefix.rawValue)-\(instance.name)" }
    /// The new container while it is checked, beside the previous one. The `.` keeps it apart from
    /// every instance name (DNS labels have none).
    var next: String { current + ".next" }
    /// The previous container, set aside (stopped, kept) while the new one takes its name; the
    /// suffix says whether it ran, so that a restore (even after a crash of the agent) starts it
    /// again only if it did: a one-shot container that had exited must not run a second time.
    var asideRunning: String { current + ".previous" }
    var asideStopped: String { current + ".previous-stopped" }
    /// The names a set-aside previous container may have.
    var asideNames: [String] { [asideRunning, asideStopped] }
    /// A previous container being removed after a success: renamed first, so that a removal that
    /// fails never leaves it under a name a later try would take for an interrupted try's and put back.
    var retired: String { current + ".retired" }
    /// `<prefix>-<instance>-init-<name>`, as `ContainerConfig.InitContainer` documents it.
    func initName(_ name: String) -> String { "\(current)-init-\(name)" }

    var config: ContainerConfig { instance.config }

    /// Whether the new container cannot run beside the previous one: it publishes fixed host ports
    /// (a port or a port range with `external`) that the port proxy does not serve, or it uses the
    /// node's network stack.
    var stopsPreviousFirst: Bool {
        if config.networkMode == .host { return true }
        if throughProxy { return false }
        if config.ports?.contains(where: { $0.external != nil }) == true { return true }
        return config.portRanges?.contains(where: { $0.external != nil }) == true
    }

    /// Whether the port proxy can serve every port the instance publishes on the node: single TCP
    /// ports only (not UDP, not port ranges), not on the host's network stack, at least one.
    var canUseProxy: Bool {
        guard config.networkMode != .host, config.portRanges?.contains(where: { $0.external != nil }) != true else { return false }
        let published = (config.ports ?? []).filter { $0.external != nil }
        return !published.isEmpty && published.allSatisfy { $0.proto == .tcp }
    }

    /// The ports the proxy serves for this instance (none unless `throughProxy`).
    var proxiedPorts: [ContainerConfig.Port] {
        throughProxy ? (config.ports ?? []).filter { $0.external != nil } : []
    }

    /// The proxy's routes to `container` (the instance's current one): each proxied port's
    /// listening address to the loopback port the engine published it on. Nil when a port is not
    /// published there (a container not created for the proxy, or not running).
    func proxyRoutes(to container: ContainerDetails) -> [ProxyRoute]? {
        var routes: [ProxyRoute] = []
        for port in proxiedPorts {
            guard let external = port.external.flatMap({ UInt16(exactly: $0) }), external > 0 else { return nil }
            let unresolved = ProxyRoute(
                listenHost: port.hostIP ?? "0.0.0.0", listenPort: external, upstreamPort: 0, containerPort: port.internal,
                deployment: rollout.deployment.rawValue, prefix: rollout.prefix.rawValue, instance: instance.name)
            guard let route = unresolved.upstream(in: container) else { return nil }
            routes.append(route)
        }
        return routes
    }

    /// The networks joined after the create (dockerd before API 1.44 attaches one at create).
    var laterNetworks: [String] { Array(networksToJoin.dropFirst()) }

    /// The networks the containers join, created on the node when missing (none unless bridged).
    var networksToJoin: [String] {
        switch config.networkMode {
        case .some(.host), .some(.none): []
        case .some(.bridge), nil: config.networks ?? []
        }
    }

    /// SHA-256 of the image and configuration (secret names, never values): the config-digest label.
    var configDigest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let config = (try? encoder.encode(instance.config)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "sha256:" + Digest.sha256Hex(instance.image + "\u{1F}" + config)
    }

    /// The labels of every container of the instance (its init containers add theirs): the
    /// configuration's own, then Coxswain's, which win.
    var labels: [String: String] {
        var labels = config.labels ?? [:]
        let ours = ContainerLabels.deploymentLabels(
            team: rollout.team, prefix: rollout.prefix.rawValue, deployment: rollout.deployment.rawValue, configDigest: configDigest,
            product: rollout.product, version: rollout.version, instance: instance.name, tryNumber: rollout.tryNumber)
        labels.merge(ours) { _, ours in ours }
        return labels
    }

    /// The environment: the configuration's variables, then each secret as the variable of its
    /// name, its value from the task's secrets (`RolloutInstance.secretKey`). A secret wins over a
    /// variable of the same name. A secret without a value is refused before this is called.
    func environment(secrets: [String: String]) -> [String: String] {
        var environment = config.environment ?? [:]
        for name in config.secrets ?? [] {
            if let value = secrets[RolloutInstance.secretKey(name)] { environment[name] = value }
        }
        return environment
    }

    /// The main container, named `name` (``next`` while it is checked). Every field of the
    /// configuration goes to the engine; the container also gets an init process as PID 1, so that
    /// it stops in a fraction of a second instead of being killed after the stop timeout.
    func spec(name: String, secrets: [String: String]) -> ContainerSpec {
        var spec = shared(image: instance.image, name: name, secrets: secrets)
        spec.entrypoint = config.command
        spec.command = config.args
        spec.tty = config.tty ?? false
        (spec.exposedPorts, spec.portBindings) = ports
        if throughProxy { spec.labels[ContainerLabels.proxied] = "true" }
        spec.restartPolicy = config.restartPolicy.map(Self.restartPolicy)
        spec.healthcheck = config.healthCheck.map(Self.healthcheck)
        return spec
    }

    /// The JSON body of `POST /containers/create` for the main container (what the engine gets).
    func createBody(name: String, secrets: [String: String]) throws -> Data {
        try spec(name: name, secrets: secrets).createBody()
    }

    /// An init container: its own image, command and arguments, with the instance's environment
    /// (secrets included), volumes, networks, user, working directory, logging, limits and
    /// capabilities (a migration needs the database address and the data the instance will see),
    /// never its ports, restart policy, TTY or health check. Labelled like the instance plus
    /// ``ContainerLabels/initContainer``.
    func initSpec(_ initContainer: ContainerConfig.InitContainer, secrets: [String: String]) -> ContainerSpec {
        var spec = shared(image: initContainer.image, name: initName(initContainer.name), secrets: secrets)
        spec.labels[ContainerLabels.initContainer] = initContainer.name
        spec.entrypoint = initContainer.command
        spec.command = initContainer.args
        return spec
    }

    /// What the main container and its init containers have in common.
    private func shared(image: String, name: String, secrets: [String: String]) -> ContainerSpec {
        var spec = ContainerSpec(image: image, name: name)
        spec.environment = environment(secrets: secrets)
        spec.labels = labels
        spec.user = config.user
        spec.workingDirectory = config.workingDirectory
        spec.initProcess = true
        spec.mounts = mounts
        spec.networkMode = networkMode
        if let first = networksToJoin.first { spec.networks = [first: []] }
        spec.logConfig = config.log.map { ContainerSpec.LogConfig(driver: $0.driver, options: $0.options ?? [:]) }
        spec.memoryBytes = config.memoryBytes.map { Int64(clamping: $0) }
        spec.nanoCPUs = config.nanoCPUs.map { Int64(clamping: $0) }
        spec.capabilitiesAdded = config.capabilities?.add ?? []
        spec.capabilitiesDropped = config.capabilities?.drop ?? []
        return spec
    }

    /// `bridge` (or the first network to join), `host`, `none`; nil leaves the engine's default.
    var networkMode: String? {
        switch config.networkMode {
        case .some(.host): "host"
        case .some(.none): "none"
        case .some(.bridge): networksToJoin.first ?? "bridge"
        case nil: networksToJoin.first
        }
    }

    /// Named volumes, bind mounts of node paths, anonymous volumes.
    var mounts: [ContainerSpec.Mount] {
        (config.volumes ?? []).map { volume in
            let source: ContainerSpec.Mount.Source =
                if let name = volume.name {
                    .volume(name: name)
                } else if let hostPath = volume.hostPath {
                    .bind(hostPath: hostPath)
                } else {
                    .anonymous
                }
            return ContainerSpec.Mount(source: source, target: volume.containerPath, readOnly: volume.readOnly ?? false)
        }
    }

    /// The exposed ports and the published ones (on `hostIP`, every address of the node when
    /// nil), port ranges expanded port by port. Values outside 1-65535 were refused before; they are skipped here,
    /// never trapped on.
    var ports: (exposed: [ContainerSpec.ContainerPort], published: [ContainerSpec.PortBinding]) {
        var exposed: [ContainerSpec.ContainerPort] = []
        var published: [ContainerSpec.PortBinding] = []
        func add(_ internalPort: Int, _ external: Int?, _ proto: ContainerConfig.PortProtocol, _ hostIP: String?) {
            guard let port = UInt16(exactly: internalPort), port > 0 else { return }
            let container = ContainerSpec.ContainerPort(port, proto == .udp ? .udp : .tcp)
            if let external {
                guard let hostPort = UInt16(exactly: external), hostPort > 0 else { return }
                if throughProxy {
                    // The proxy listens on the fixed port; the container on a loopback port of the engine's choice.
                    published.append(ContainerSpec.PortBinding(container: container, hostIP: "127.0.0.1", hostPort: nil))
                } else {
                    published.append(ContainerSpec.PortBinding(container: container, hostIP: hostIP, hostPort: hostPort))
                }
            } else {
                exposed.append(container)
            }
        }
        for port in config.ports ?? [] { add(port.internal, port.external, port.proto, port.hostIP) }
        for range in config.portRanges ?? [] {
            guard let width = range.internal.width, width <= ContainerConfig.maximumPortRangeWidth else { continue }
            if let external = range.external, external.width != width { continue }
            for offset in 0..<width { add(range.internal.from + offset, range.external.map { $0.from + offset }, range.proto, range.hostIP) }
        }
        return (exposed, published)
    }

    static func restartPolicy(_ policy: ContainerConfig.RestartPolicy) -> ContainerSpec.RestartPolicy {
        switch policy {
        case .no: .no
        case .always: .always
        case .unlessStopped: .unlessStopped
        // The engine's 0 is "without limit", as nil is here.
        case .onFailure(let retries): .onFailure(maximumRetries: Int64(clamping: retries ?? 0))
        }
    }

    static func healthcheck(_ check: ContainerConfig.HealthCheck) -> ContainerSpec.Healthcheck {
        ContainerSpec.Healthcheck(
            test: check.test, interval: check.interval, timeout: check.timeout, retries: check.retries.map { Int64(clamping: $0) },
            startPeriod: check.startPeriod)
    }
}
