import CoxswainCore

/// The rollout of one deployment on its node, as a pure state machine the Deployer drives: it says
/// which step to perform next, the Deployer performs it against the engine and reports how it went.
///
/// Per instance, in image order: pull its image, run its init containers in order, create and start
/// the new container beside the previous one, wait for its health check or expected state, then
/// switch: the new container takes the instance's name and the previous one is stopped and kept.
/// When every instance is in place, the previous containers are removed and the deployment succeeded.
///
/// An instance whose new container cannot run beside the previous one (fixed host ports, a
/// single-writer volume) stops the previous one before creating the new one (`stopsPreviousFirst`).
///
/// When a step fails, the failing instance is discarded (its new container removed, its previous one
/// started again if it was stopped) and every instance already switched in this deployment is
/// restored to its previous container, in reverse order; then the deployment failed. Restoring goes
/// on past a step that fails, and the final event says what could not be restored.
public struct RolloutPlan: Sendable, Equatable {
    /// One container of the deployment.
    public struct Instance: Sendable, Equatable {
        /// Its name within the deployment (the engine's is `<prefix>-<name>`).
        public var name: String
        /// Its init containers' names, in the order they run.
        public var initContainers: [String]
        /// Whether a container of an earlier deployment runs under its name on the node.
        public var hasPrevious: Bool
        /// Whether the previous container must stop before the new one can start.
        public var stopsPreviousFirst: Bool

        public init(name: String, initContainers: [String] = [], hasPrevious: Bool = true, stopsPreviousFirst: Bool = false) {
            self.name = name
            self.initContainers = initContainers
            self.hasPrevious = hasPrevious
            self.stopsPreviousFirst = stopsPreviousFirst
        }
    }

    /// One thing for the Deployer to do. Every step is idempotent on the node: performed again after
    /// a crash it finds what it did and goes on.
    public enum Step: Sendable, Equatable {
        /// Pull the instance's image.
        case pull(instance: String)
        /// Run this init container to completion; it must exit 0.
        case runInit(instance: String, container: String)
        /// Stop the previous container (kept, to be restored or removed later).
        case stopPrevious(instance: String)
        /// Create and start the new container under a temporary name, beside the previous one.
        case create(instance: String)
        /// Wait for the new container's health check or expected state, within its timeout.
        case awaitHealthy(instance: String)
        /// Stop the previous container (kept under a temporary name) and give the new one the instance's name.
        case switchOver(instance: String)
        /// Undo an instance that failed before it was switched: remove its new container and start the
        /// previous one again if it was stopped.
        case discard(instance: String)
        /// Undo an instance that was switched: remove its new container and give the previous one back
        /// its name, started.
        case restore(instance: String)
        /// Remove the previous container, once the whole deployment succeeded.
        case removePrevious(instance: String)

        public var instance: String {
            switch self {
            case .pull(let instance), .runInit(let instance, _), .stopPrevious(let instance), .create(let instance), .awaitHealthy(let instance),
                .switchOver(let instance), .discard(let instance), .restore(let instance), .removePrevious(let instance):
                instance
            }
        }

        /// The event kind that reports it.
        public var eventKind: DeploymentEvent.Kind {
            switch self {
            case .pull: .pull
            case .runInit: .initContainer
            case .stopPrevious, .switchOver: .switchover
            case .create: .create
            case .awaitHealthy: .health
            case .discard, .restore: .restore
            case .removePrevious: .cleanup
            }
        }

        /// `pull`, `init migrate`, `health`…: how failures name it.
        public var label: String {
            switch self {
            case .pull: "pull"
            case .runInit(_, let container): "init \(container)"
            case .stopPrevious: "stop previous"
            case .create: "create"
            case .awaitHealthy: "health"
            case .switchOver: "switch"
            case .discard: "discard"
            case .restore: "restore"
            case .removePrevious: "cleanup"
            }
        }
    }

    public enum Event: Sendable, Equatable {
        /// Begin the rollout.
        case start
        /// The step last asked for is done.
        case stepSucceeded
        /// The step last asked for failed.
        case stepFailed(reason: String)
    }

    /// How the rollout ended: what the node reports to the deployment's state machine
    /// (`allSucceeded`, or `instanceFailed` after restoring).
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(instance: String, reason: String)
    }

    public enum Action: Sendable, Equatable {
        /// Perform this step and report how it went; publish these events first.
        case perform(Step, events: [DeploymentEvent])
        /// The rollout is over; publish these events and report the outcome.
        case finish(Outcome, events: [DeploymentEvent])
        /// Nothing to do: the event does not fit (not started, or already finished).
        case none
    }

    private enum Phase: Sendable, Equatable {
        case ready
        /// Rolling forward: step `step` of instance `instance`.
        case forward(instance: Int, step: Int)
        /// Removing previous containers: `queue[index]`.
        case cleanup(queue: [Step], index: Int)
        /// Undoing after `failure`: `queue[index]`.
        case undo(queue: [Step], index: Int, failure: Outcome)
        case finished(Outcome)
    }

    public let instances: [Instance]
    private var phase: Phase = .ready
    /// Instances switched so far, in order.
    private var switched: [Int] = []
    /// Instances restored to their previous container, in order.
    private var restored: [String] = []
    /// Undo or cleanup steps that failed: `restore api: reason`.
    private var leftovers: [String] = []

    public init(instances: [Instance]) {
        self.instances = instances
    }

    /// How it ended, once it has.
    public var outcome: Outcome? {
        if case .finished(let outcome) = phase { return outcome }
        return nil
    }

    /// The forward steps of one instance, in order.
    public static func steps(for instance: Instance) -> [Step] {
        var steps: [Step] = [.pull(instance: instance.name)]
        steps += instance.initContainers.map { .runInit(instance: instance.name, container: $0) }
        if instance.stopsPreviousFirst, instance.hasPrevious { steps.append(.stopPrevious(instance: instance.name)) }
        steps += [.create(instance: instance.name), .awaitHealthy(instance: instance.name), .switchOver(instance: instance.name)]
        return steps
    }

    /// Applies what happened and says what to do next.
    public mutating func received(_ event: Event) -> Action {
        switch (phase, event) {
        case (.ready, .start):
            return forward(instance: 0, step: 0, events: [])
        case (.ready, _), (.finished, _), (_, .start):
            return .none

        case (.forward(let i, let s), .stepSucceeded):
            let steps = Self.steps(for: instances[i])
            if case .switchOver = steps[s] { switched.append(i) }
            return s + 1 < steps.count ? forward(instance: i, step: s + 1, events: []) : forward(instance: i + 1, step: 0, events: [])

        case (.forward(let i, let s), .stepFailed(let reason)):
            let step = Self.steps(for: instances[i])[s]
            let failure = Outcome.failed(instance: step.instance, reason: "\(step.label): \(reason)")
            var queue: [Step] = []
            switch step {
            case .stopPrevious, .create, .awaitHealthy, .switchOver: queue.append(.discard(instance: step.instance))
            default: break
            }
            queue += switched.reversed().map { .restore(instance: instances[$0].name) }
            let failed = DeploymentEvent(.failed, instance: step.instance, "\(step.label) failed: \(reason)")
            return undo(queue: queue, index: 0, failure: failure, events: [failed])

        case (.undo(let queue, let index, let failure), .stepSucceeded):
            if case .restore(let name) = queue[index] { restored.append(name) }
            return undo(queue: queue, index: index + 1, failure: failure, events: [])
        case (.undo(let queue, let index, let failure), .stepFailed(let reason)):
            let step = queue[index]
            leftovers.append("\(step.label) \(step.instance): \(reason)")
            let event = DeploymentEvent(.failed, instance: step.instance, "\(step.label) failed: \(reason); going on")
            return undo(queue: queue, index: index + 1, failure: failure, events: [event])

        case (.cleanup(let queue, let index), .stepSucceeded):
            return cleanup(queue: queue, index: index + 1, events: [])
        case (.cleanup(let queue, let index), .stepFailed(let reason)):
            let step = queue[index]
            leftovers.append("\(step.label) \(step.instance): \(reason)")
            let event = DeploymentEvent(.cleanup, instance: step.instance, "could not remove the previous container: \(reason); the node's reconciler will")
            return cleanup(queue: queue, index: index + 1, events: [event])
        }
    }

    private mutating func forward(instance i: Int, step s: Int, events: [DeploymentEvent]) -> Action {
        guard i < instances.count else {
            let queue = instances.filter(\.hasPrevious).map { Step.removePrevious(instance: $0.name) }
            return cleanup(queue: queue, index: 0, events: events)
        }
        let instance = instances[i]
        let steps = Self.steps(for: instance)
        phase = .forward(instance: i, step: s)
        return .perform(steps[s], events: events + [Self.announcement(of: steps[s], for: instance)])
    }

    private mutating func cleanup(queue: [Step], index: Int, events: [DeploymentEvent]) -> Action {
        guard index < queue.count else {
            phase = .finished(.succeeded)
            let count = instances.count
            let message = count == 0 ? "nothing to deploy" : "\(count == 1 ? "the instance is" : "all \(count) instances are") in place"
            return .finish(.succeeded, events: events + [DeploymentEvent(.succeeded, message)])
        }
        phase = .cleanup(queue: queue, index: index)
        return .perform(queue[index], events: events + [DeploymentEvent(.cleanup, instance: queue[index].instance, "removing the previous container")])
    }

    private mutating func undo(queue: [Step], index: Int, failure: Outcome, events: [DeploymentEvent]) -> Action {
        guard index < queue.count else {
            phase = .finished(failure)
            var message = "rollout failed"
            if case .failed(let instance, let reason) = failure { message += " at \(instance) (\(reason))" }
            let replacedAny = queue.contains { if case .restore = $0 { true } else { false } }
            if !restored.isEmpty { message += "; restored \(restored.joined(separator: ", "))" }
            if !replacedAny { message += "; nothing had been replaced" }
            if !leftovers.isEmpty { message += "; not undone: \(leftovers.joined(separator: "; "))" }
            return .finish(failure, events: events + [DeploymentEvent(.failed, message)])
        }
        phase = .undo(queue: queue, index: index, failure: failure)
        let step = queue[index]
        let message: String
        switch step {
        case .discard(let name):
            let stopped = instances.first { $0.name == name }.map { $0.stopsPreviousFirst && $0.hasPrevious } ?? false
            message = stopped ? "removing the new container and starting the previous one again" : "removing the new container"
        default:
            let hadPrevious = instances.first { $0.name == step.instance }?.hasPrevious ?? true
            message = hadPrevious ? "restoring the previous container" : "removing the new container (there was none before)"
        }
        return .perform(step, events: events + [DeploymentEvent(.restore, instance: step.instance, message)])
    }

    private static func announcement(of step: Step, for instance: Instance) -> DeploymentEvent {
        let message: String
        switch step {
        case .pull: message = "pulling the image"
        case .runInit(_, let container):
            let position = (instance.initContainers.firstIndex(of: container) ?? 0) + 1
            message = "running init container \(container) (\(position)/\(instance.initContainers.count))"
        case .stopPrevious: message = "stopping the previous container first (both cannot run at once)"
        case .create:
            message = instance.hasPrevious && !instance.stopsPreviousFirst ? "creating the new container beside the previous one" : "creating the new container"
        case .awaitHealthy: message = "waiting for its health check or expected state"
        case .switchOver:
            message =
                instance.hasPrevious
                ? "putting the new container in place; the previous one is stopped and kept until the end" : "putting the new container in place"
        case .discard, .restore, .removePrevious: message = step.label
        }
        return DeploymentEvent(step.eventKind, instance: instance.name, message)
    }
}
