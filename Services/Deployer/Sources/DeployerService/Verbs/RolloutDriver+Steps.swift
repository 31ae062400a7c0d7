import CoxswainContainerEngine
import CoxswainCore
import CoxswainDelivery
import Foundation

/// The steps of `RolloutPlan` on the engine. Each one looks at what is there before it acts, so
/// that performing it again (a repeat, or a new try after a crash) finds its own work and goes on.
extension RolloutDriver {
    mutating func perform(_ step: RolloutPlan.Step) async throws {
        guard let state = instances[step.instance] else { throw StepFailure("no instance \(step.instance) in the rollout") }
        let container = state.container
        switch step {
        case .pull:
            try await pull(container.instance.image, credentials: container.instance.registryCredentials(secrets: secrets), instance: container.instance.name)
        case .runInit(_, let name):
            try await runInit(name, of: container)
        case .stopPrevious:
            try await setPreviousAside(of: container, stop: true)
        case .create:
            try await create(container)
        case .awaitHealthy:
            try await awaitExpectedState(of: container)
        case .switchOver:
            try await switchOver(container)
        case .discard:
            try await discard(container)
        case .restore:
            try await discard(container)
        case .removePrevious:
            for name in container.asideNames {
                guard let aside = try await findOwned(name, instance: container.instance.name) else { continue }
                if let stale = try await findOwned(container.retired, instance: container.instance.name) { try await removeIfPresent(stale.id) }
                try await engine.renameContainer(aside.id, to: container.retired)
                try await removeIfPresent(aside.id)
            }
        }
    }

    /// Pulls `image` with the credentials, progress on stderr (stdout carries the events only).
    /// Without credentials, a pull that fails is fine when the image is already on the node (a
    /// bare reference, an image built or loaded there): the event says so.
    mutating func pull(_ image: String, credentials: RegistryCredentials?, instance: String) async throws {
        let reference = try ImageReference(parsing: image)
        do {
            try await ContainerVerb.pull(reference, engine: engine, credentials: credentials, timeout: remaining, context: context, channel: .stderr)
        } catch let error as ContainerEngineError where credentials == nil {
            guard (try? await engine.inspectImage(reference.description)) != nil else { throw error }
            publish(.pull, instance: instance, "could not pull \(reference) (\(error)); using the image already on this node")
        }
    }

    /// Runs one init container to completion (it must exit 0) and removes it, whatever happened.
    mutating func runInit(_ name: String, of container: DeploymentContainer) async throws {
        guard let initContainer = container.config.initContainers?.first(where: { $0.name == name }) else {
            throw StepFailure("no init container \(name)")
        }
        let engineName = container.initName(name)
        if let leftover = try await find(engineName) {
            guard leftover.config.labels[ContainerLabels.initContainer] != nil, leftover.config.labels[ContainerLabels.prefix] == rollout.prefix.rawValue else {
                throw StepFailure("\(engineName) is not an init container of this prefix: rename or remove it")
            }
            try await removeIfPresent(leftover.id)
        }
        // The instance's credentials serve its registry only.
        let reference = try ImageReference(parsing: initContainer.image)
        let credentials = container.instance.registryCredentials(secrets: secrets).flatMap { $0.serverAddress == reference.registry ? $0 : nil }
        try await pull(initContainer.image, credentials: credentials, instance: container.instance.name)
        try await joinNetworks(container)
        let id = try await engine.createContainer(container.initSpec(initContainer, secrets: secrets))
        do {
            for network in container.laterNetworks { try await engine.connectNetwork(network, container: id) }
            try await engine.startContainer(id)
            let code: Int64
            do {
                code = try await engine.waitContainer(id, timeout: remaining)
            } catch ContainerEngineError.timedOut {
                throw StepFailure("did not finish before the task's time was up" + (await failureDetails(id, exitCode: false)))
            }
            guard code == 0 else { throw StepFailure("exited with code \(code)" + (await failureDetails(id, exitCode: false))) }
        } catch {
            try? await removeIfPresent(id)
            throw error
        }
        try await removeIfPresent(id)
    }

    /// Creates the networks the instance joins when missing.
    func joinNetworks(_ container: DeploymentContainer) async throws {
        for network in container.networksToJoin {
            try await engine.ensureNetwork(network, labels: [ContainerLabels.managed: ContainerLabels.managedValue])
        }
    }

    /// Creates and starts the new container under its temporary name (a container left under that
    /// name is removed first: it is never one that was confirmed).
    mutating func create(_ container: DeploymentContainer) async throws {
        if let leftover = try await findOwned(container.next, instance: container.instance.name) { try await removeIfPresent(leftover.id) }
        try await joinNetworks(container)
        let id = try await engine.createContainer(container.spec(name: container.next, secrets: secrets))
        instances[container.instance.name]?.newID = id
        for network in container.laterNetworks { try await engine.connectNetwork(network, container: id) }
        try await engine.startContainer(id)
    }

    /// Renames the previous container aside (its new name says whether it ran) and stops it when
    /// `stop`. Nothing to do when the name is free, or already the new container's.
    func setPreviousAside(of container: DeploymentContainer, stop: Bool) async throws {
        let state = instances[container.instance.name]
        guard let current = try await find(container.current), current.id != state?.newID else { return }
        guard current.config.labels[ContainerLabels.managed] == ContainerLabels.managedValue else {
            throw StepFailure("\(container.current) is a container Coxswain does not manage")
        }
        let ran = current.state.running || current.state.restarting
        try await engine.renameContainer(current.id, to: ran ? container.asideRunning : container.asideStopped)
        if stop, ran { try await engine.stopContainer(current.id, timeout: Self.stopTimeout) }
    }

    /// The new container takes the instance's name; the previous one goes aside first and is
    /// stopped after (it served until the new one had the name).
    mutating func switchOver(_ container: DeploymentContainer) async throws {
        guard let newID = instances[container.instance.name]?.newID else { throw StepFailure("there is no new container to put in place") }
        try await setPreviousAside(of: container, stop: false)
        if try await find(container.current)?.id != newID { try await engine.renameContainer(newID, to: container.current) }
        // Through the proxy: new connections go to the new container before the previous one stops.
        try await routeToNew(container)
        for name in container.asideNames {
            if let aside = try await find(name), aside.state.running || aside.state.restarting {
                try await engine.stopContainer(aside.id, timeout: Self.stopTimeout)
            }
        }
    }

    /// Undoes the instance (before or after its switch): removes its new container, then gives
    /// the previous one back its name, started again if it ran.
    mutating func discard(_ container: DeploymentContainer) async throws {
        if let newID = instances[container.instance.name]?.newID {
            try await removeIfPresent(newID)
            instances[container.instance.name]?.newID = nil
        }
        if let leftover = try await findOwned(container.next, instance: container.instance.name) { try await removeIfPresent(leftover.id) }
        for name in container.asideNames {
            guard let aside = try await findOwned(name, instance: container.instance.name) else { continue }
            if let holder = try await find(container.current) {
                throw StepFailure("\(container.current) is held by another container (\(holder.id.prefix(12))); the previous one stays as \(name)")
            }
            try await releaseRoutes(before: aside, instance: container.instance.name)
            try await engine.renameContainer(aside.id, to: container.current)
            if name == container.asideRunning { try await engine.startContainer(aside.id) }
            // The proxy goes back to the previous container (on the loopback port it has now).
            try await followCurrent(container)
        }
    }
}
