import CoxswainContainerEngine
import CoxswainCore
import Foundation

/// The node's port proxy in a rollout: an instance whose published ports are all single TCP ports
/// runs its new container beside the previous one (both on loopback ports the engine chose) and the
/// proxy, which holds the fixed ports, switches to the new one once it is healthy; the previous one
/// is stopped after the connections it still had are done (`drainTimeout` at most). No request
/// finds the port closed.
extension RolloutDriver {
    /// How long the switch waits for connections still open to the previous container.
    static let drainTimeout: Duration = .seconds(5)

    /// Whether this try can use the proxy: there is one, and it answers (started when needed). When
    /// it cannot be started, instances stop their previous container first, as without a proxy,
    /// and an event says why.
    mutating func proxyUsable() async -> Bool {
        guard let proxy, instances.values.contains(where: { $0.container.canUseProxy }) else { return false }
        do {
            try await proxy.ensureRunning()
            return true
        } catch {
            publish(.switchover, "\(error); instances publishing fixed ports stop their previous container before the new one starts")
            return false
        }
    }

    /// After the new container took the instance's name: the proxy's routes point at it, then the
    /// connections still open to the previous container are drained. A previous container that
    /// holds the fixed port itself (deployed without the proxy) is stopped first: the proxy can
    /// only listen once it is.
    mutating func routeToNew(_ container: DeploymentContainer) async throws {
        guard container.throughProxy, let proxy else { return }
        let name = container.instance.name
        guard let current = try await find(container.current), let routes = container.proxyRoutes(to: current) else {
            throw StepFailure("the new container publishes no loopback port for the node's port proxy")
        }
        let prefix = rollout.prefix.rawValue
        var (before, failures) = try await proxy.edit { $0.setting(routes, prefix: prefix, instance: name) }
        if !failures.isEmpty {
            var stopped: [String] = []
            for asideName in container.asideNames {
                if let aside = try await find(asideName), aside.state.running || aside.state.restarting {
                    try await engine.stopContainer(aside.id, timeout: Self.stopTimeout)
                    stopped.append(asideName)
                }
            }
            guard !stopped.isEmpty else { throw StepFailure(PortProxyError.cannotListen(failures).description) }
            failures = try await proxy.reload()
            guard failures.isEmpty else { throw StepFailure(PortProxyError.cannotListen(failures).description) }
            publish(.switchover, instance: name, "the previous container held the node's port itself: stopped it first, so the proxy could listen")
        }
        let addresses = routes.map(\.listenKey).joined(separator: ", ")
        publish(.switchover, instance: name, "the node's port proxy sends \(addresses) to the new container")
        let previous = Set(before.routes(prefix: prefix, instance: name).map(\.upstreamPort)).subtracting(routes.map(\.upstreamPort))
        for port in previous.sorted() {
            let open = await proxy.drain(port, timeout: Self.drainTimeout)
            if open > 0 {
                publish(
                    .switchover, instance: name,
                    "\(open) connection\(open == 1 ? " was" : "s were") still open to the previous container after \(Self.drainTimeout)")
            }
        }
    }

    /// Before a previous container that publishes the fixed ports itself is started again (a
    /// restore): the proxy lets go of the instance's addresses.
    mutating func releaseRoutes(before aside: ContainerDetails, instance: String) async throws {
        guard let proxy, aside.config.labels[ContainerLabels.proxied] != "true" else { return }
        let prefix = rollout.prefix.rawValue
        try await proxy.edit { table in
            table.setting([], prefix: prefix, instance: instance)
        }
    }

    /// After a restore or a recovery: the instance's routes follow its current container (the
    /// loopback ports it has now), or go when it has none there.
    mutating func followCurrent(_ container: DeploymentContainer) async throws {
        guard let proxy else { return }
        let prefix = rollout.prefix.rawValue
        let name = container.instance.name
        let existing = try await proxy.table().routes(prefix: prefix, instance: name)
        guard !existing.isEmpty else { return }
        var routes: [ProxyRoute]?
        if let current = try await find(container.current), current.state.running {
            let resolved = existing.compactMap { $0.upstream(in: current) }
            if resolved.count == existing.count { routes = resolved }
        }
        let (_, failures) = try await proxy.edit { $0.setting(routes ?? [], prefix: prefix, instance: name) }
        if !failures.isEmpty { throw StepFailure(PortProxyError.cannotListen(failures).description) }
    }

    /// The proxy lets go of the deployment's addresses (all, or those of `instances`). A failure is
    /// reported, not fatal: the containers go all the same.
    mutating func dropRoutes(instances: Set<String>? = nil) async {
        guard let proxy else { return }
        let deployment = rollout.deployment.rawValue
        do {
            try await proxy.edit { $0.removing(deployment: deployment, instances: instances) }
        } catch {
            publish(.cleanup, "the node's port proxy did not let go of the deployment's ports: \(error)")
        }
    }
}
