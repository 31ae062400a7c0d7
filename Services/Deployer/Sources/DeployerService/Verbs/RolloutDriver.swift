import CoxswainContainerEngine
import CoxswainCore
import CoxswainDelivery
import Foundation

/// Carries out one `DEPLOY` task on the node's engine: the pure `RolloutPlan` says which step comes
/// next, this performs it and reports how it went, and publishes the plan's `DeploymentEvent`s as
/// JSON lines on the task's stdout as they happen.
///
/// Idempotent across agent crashes: a try starts by putting right what an interrupted one left
/// (a new container under its temporary name, a previous one set aside, init containers), found
/// by their names, and every step checks what is there before it acts.
struct RolloutDriver {
    let engine: ContainerEngine
    let rollout: DeploymentRollout
    /// The task's opened secret environment (container secrets, registry credentials).
    let secrets: [String: String]
    let context: VerbContext
    /// When the task's time is up: waits are cut there (undoing still happens).
    let deadline: ContinuousClock.Instant
    /// Whether the engine needs to be told to run health checks (Podman without systemd).
    let drivesHealthChecks: Bool
    /// The node's port proxy (nil: fixed host ports stop the previous container first).
    let proxy: PortProxyControl?
    /// How long a stop waits before it kills (the containers have an init process: it is quick).
    static let stopTimeout: Duration = .seconds(10)
    /// How long a container without health check must keep running after its start.
    static let settleTime: Duration = .seconds(1)

    /// The event lines published so far (the task's stdout).
    private(set) var stdout = ""
    /// What the try knows of each instance, by name.
    var instances: [String: InstanceState] = [:]

    /// One instance during the try.
    struct InstanceState {
        let container: DeploymentContainer
        /// The new container, once created.
        var newID: String?
    }

    /// How a rollout or a removal ended: the task succeeds exactly when `succeeded`; `reason` is
    /// the last event's message (for a failure: where, why, and what was restored).
    struct Result: Equatable {
        var succeeded: Bool
        var reason: String
    }

    /// A step that failed for a reason of the rollout's own (not the engine's).
    struct StepFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    init(
        engine: ContainerEngine, rollout: DeploymentRollout, secrets: [String: String], context: VerbContext, timeout: Duration, drivesHealthChecks: Bool,
        proxy: PortProxyControl? = nil
    ) {
        self.engine = engine
        self.rollout = rollout
        self.secrets = secrets
        self.context = context
        self.deadline = .now + timeout
        self.drivesHealthChecks = drivesHealthChecks
        self.proxy = proxy
        for instance in rollout.instances {
            instances[instance.name] = InstanceState(container: DeploymentContainer(instance: instance, rollout: rollout))
        }
    }

    /// Time left before the task's deadline, at least one second (a wait always gets a chance).
    var remaining: Duration { max(.seconds(1), ContinuousClock.now.duration(to: deadline)) }

    // MARK: Events

    /// Publishes events: live on the task's stdout, and kept for the result (up to the output
    /// limit, but the closing event of the deployment always).
    mutating func publish(_ events: [DeploymentEvent]) {
        for var event in events {
            // Log lines and health output quoted in events may hold a secret the app printed.
            event.message = masked(event.message)
            guard let data = try? JSONEncoder.answers.encode(event) else { continue }
            let line = String(decoding: data, as: UTF8.self) + "\n"
            context.emit(.stdout, line)
            let closing = event.instance == nil && (event.kind == .failed || event.kind == .succeeded)
            if closing || stdout.utf8.count + line.utf8.count <= context.outputLimit { stdout += line }
        }
    }

    mutating func publish(_ kind: DeploymentEvent.Kind, instance: String? = nil, _ message: String) {
        publish([DeploymentEvent(kind, instance: instance, message)])
    }

    /// `text` with every secret value of this try (4 characters or more) replaced by `***`: events, the
    /// task's error and from there the audit log and webhooks quote containers' log lines.
    func masked(_ text: String) -> String {
        secrets.values.filter { $0.count >= 4 }.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// Publishes the closing failure of a try that could not start and returns it.
    mutating func refuse(_ reason: String) -> Result {
        publish(.failed, reason)
        return Result(succeeded: false, reason: masked(reason))
    }

    // MARK: Deploy

    /// Rolls the instances out, as `RolloutPlan` says, and returns how it ended.
    mutating func deploy() async throws -> Result {
        var planned: [RolloutPlan.Instance] = []
        let throughProxy = await proxyUsable()
        for instance in rollout.instances {
            let container = DeploymentContainer(instance: instance, rollout: rollout)
            instances[instance.name] = InstanceState(
                container: DeploymentContainer(instance: instance, rollout: rollout, throughProxy: throughProxy && container.canUseProxy))
        }
        do {
            try await removeInitLeftovers()
            for instance in rollout.instances {
                guard let container = instances[instance.name]?.container else { continue }
                let previous = try await recover(container)
                if let previous, !Self.owns(previous, prefix: rollout.prefix.rawValue, instance: instance.name) {
                    return refuse(
                        "\(container.current) is not this prefix's \(instance.name) (a container Coxswain does not manage, or another prefix's or a 'container run' one): rename or remove it, or deploy under another prefix; nothing was changed"
                    )
                }
                planned.append(
                    RolloutPlan.Instance(
                        name: instance.name, initContainers: (instance.config.initContainers ?? []).map(\.name), hasPrevious: previous != nil,
                        stopsPreviousFirst: container.stopsPreviousFirst))
            }
        } catch let error as ContainerEngineError {
            return refuse("could not look at the node's containers: \(error)")
        } catch let error as StepFailure {
            return refuse(error.description)
        }

        var plan = RolloutPlan(instances: planned)
        var action = plan.received(.start)
        while true {
            switch action {
            case .perform(let step, let events):
                publish(events)
                do {
                    try await perform(step)
                    action = plan.received(.stepSucceeded)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    action = plan.received(.stepFailed(reason: Self.reason(error)))
                }
            case .finish(let outcome, let events):
                // A partial deploy leaves the instances it did not touch alone.
                if outcome == .succeeded, rollout.partial != true { await removeDropped() }
                publish(events)
                let reason = events.last?.message ?? (outcome == .succeeded ? "succeeded" : "failed")
                return Result(succeeded: outcome == .succeeded, reason: masked(reason))
            case .none:
                return refuse("the rollout plan stopped without an outcome")
            }
        }
    }

    /// Whether a container under an instance's name is one a rollout may set aside or replace: managed
    /// by Coxswain, and labelled with this prefix and instance (`<prefix>-<name>` alone is ambiguous:
    /// `shop` + `web-api` and `shop-web` + `api` give the same name; `container run` containers have no
    /// instance label).
    static func owns(_ container: ContainerDetails, prefix: String, instance: String) -> Bool {
        let labels = container.config.labels
        return labels[ContainerLabels.managed] == ContainerLabels.managedValue && labels[ContainerLabels.prefix] == prefix
            && labels[ContainerLabels.instance] == instance
    }

    /// What an error says in an event: the engine's operator message, or the step's own reason.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as ContainerEngineError: error.description
        case let error as StepFailure: error.description
        default: "\(error)"
        }
    }

    /// Puts right what an interrupted try of this instance left and returns the container under the
    /// instance's name (the previous one for this try), if any:
    /// - a new container under its temporary name is removed (it was never confirmed);
    /// - a previous container set aside goes back under the instance's name (started again if it
    ///   ran), replacing the interrupted try's new container if that had taken the name: the
    ///   interrupted try failed, so the node goes back to what ran before it.
    mutating func recover(_ container: DeploymentContainer) async throws -> ContainerDetails? {
        // A previous container whose removal failed after a success: never put back, only removed.
        if let retired = try await findOwned(container.retired, instance: container.instance.name) {
            try await removeIfPresent(retired.id)
            publish(.cleanup, instance: container.instance.name, "removed a previous container an earlier cleanup had left")
        }
        if let next = try await findOwned(container.next, instance: container.instance.name) {
            try await removeIfPresent(next.id)
            publish(.restore, instance: container.instance.name, "removed the new container an interrupted try had left")
        }
        for asideName in container.asideNames {
            guard let aside = try await findOwned(asideName, instance: container.instance.name) else { continue }
            if let current = try await find(container.current) {
                guard Self.owns(current, prefix: rollout.prefix.rawValue, instance: container.instance.name) else { return current }
                try await removeIfPresent(current.id)
            }
            try await releaseRoutes(before: aside, instance: container.instance.name)
            try await engine.renameContainer(aside.id, to: container.current)
            if asideName == container.asideRunning { try await engine.startContainer(aside.id) }
            publish(.restore, instance: container.instance.name, "put back the previous container an interrupted try had set aside")
        }
        // The proxy may still point at the interrupted try's new container.
        try await followCurrent(container)
        return try await find(container.current)
    }

    /// Removes the init containers an interrupted try of this deployment left (they never stay).
    mutating func removeInitLeftovers() async throws {
        let filter = ContainerLabels.deploymentFilter(rollout.deployment.rawValue) + [ContainerLabels.initContainer]
        for leftover in try await engine.listContainers(ContainerListOptions(all: true, labels: filter)) {
            try await removeIfPresent(leftover.id)
        }
    }

    /// After a success: removes this deployment's containers of instances it no longer has (an
    /// instance dropped from the configuration). A failure here is reported, not fatal.
    mutating func removeDropped() async {
        let names = Set(rollout.instances.map(\.name))
        do {
            let containers = try await engine.listContainers(
                ContainerListOptions(all: true, labels: ContainerLabels.deploymentFilter(rollout.deployment.rawValue)))
            let dropped = Set(containers.compactMap { $0.labels[ContainerLabels.instance] }).subtracting(names)
            if !dropped.isEmpty { await dropRoutes(instances: dropped) }
            for container in containers {
                guard let instance = container.labels[ContainerLabels.instance], !names.contains(instance) else { continue }
                try await removeIfPresent(container.id)
                publish(.cleanup, instance: instance, "removed \(container.name): the deployment no longer has this instance")
            }
        } catch {
            publish(.cleanup, "could not remove the containers of dropped instances: \(Self.reason(error)); the node's reconciler will")
        }
    }

    // MARK: Remove

    /// Removes every container of the deployment (by its label), reporting each; succeeds when
    /// none is left.
    mutating func remove() async throws -> Result {
        let filter = ContainerLabels.deploymentFilter(rollout.deployment.rawValue)
        do {
            // The proxy lets go of the ports first: no connection goes to a container being removed.
            await dropRoutes()
            let containers = try await engine.listContainers(ContainerListOptions(all: true, labels: filter))
            for container in containers.sorted(by: { $0.name < $1.name }) {
                try await removeIfPresent(container.id)
                publish(.cleanup, instance: container.labels[ContainerLabels.instance], "removed \(container.name)")
            }
            let left = try await engine.listContainers(ContainerListOptions(all: true, labels: filter))
            guard left.isEmpty else {
                return refuse("could not remove \(left.map(\.name).sorted().joined(separator: ", ")); remove again")
            }
            let message =
                containers.isEmpty ? "no container of the deployment on this node" : "removed \(containers.count) container\(containers.count == 1 ? "" : "s")"
            publish(.succeeded, message)
            return Result(succeeded: true, reason: message)
        } catch let error as ContainerEngineError {
            return refuse("could not remove the deployment's containers: \(error)")
        }
    }

    // MARK: Engine helpers

    /// The container of that name or ID, or nil when there is none.
    /// The container called `name` if it is this prefix's `instance` (see `owns`); nil when there is
    /// none; a failure naming it when someone else's container holds the name (never removed).
    func findOwned(_ name: String, instance: String) async throws -> ContainerDetails? {
        guard let found = try await find(name) else { return nil }
        guard Self.owns(found, prefix: rollout.prefix.rawValue, instance: instance) else {
            throw StepFailure("\(name) is not this prefix's \(instance) container (not managed by Coxswain, or another prefix's): rename or remove it")
        }
        return found
    }

    func find(_ name: String) async throws -> ContainerDetails? {
        do {
            return try await engine.inspectContainer(name)
        } catch ContainerEngineError.notFound {
            return nil
        }
    }

    /// Force-removes a container and its anonymous volumes; one already gone is fine.
    func removeIfPresent(_ id: String) async throws {
        do {
            try await engine.removeContainer(id, force: true, volumes: true)
        } catch ContainerEngineError.notFound {
            return
        }
    }
}
