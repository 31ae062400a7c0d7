import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// The node's rollout: per instance pull → init → create → health → switch, cleanup at the end,
/// and on failure the failing instance discarded and every switched one restored, newest first.
@Suite("Rollout plan")
struct RolloutPlanTests {
    typealias Step = RolloutPlan.Step

    /// What a run did: the steps asked for, the events published, how it ended.
    struct Run {
        var steps: [Step] = []
        var events: [DeploymentEvent] = []
        var outcome: RolloutPlan.Outcome?
    }

    /// Drives a plan to its end, failing the steps `failure` gives a reason for.
    static func run(_ instances: [RolloutPlan.Instance], failure: (Step) -> String? = { _ in nil }) -> Run {
        var plan = RolloutPlan(instances: instances)
        var run = Run()
        var action = plan.received(.start)
        for _ in 0..<1000 {
            switch action {
            case .perform(let step, let events):
                run.steps.append(step)
                run.events += events
                action = plan.received(failure(step).map { .stepFailed(reason: $0) } ?? .stepSucceeded)
            case .finish(let outcome, let events):
                run.events += events
                run.outcome = outcome
                #expect(plan.outcome == outcome)
                #expect(plan.received(.stepSucceeded) == .none)
                #expect(plan.received(.start) == .none)
                return run
            case .none:
                Issue.record("the plan stalled")
                return run
            }
        }
        Issue.record("the plan did not finish")
        return run
    }

    static let three = [
        RolloutPlan.Instance(name: "db", initContainers: []), RolloutPlan.Instance(name: "api", initContainers: ["migrate", "seed"]),
        RolloutPlan.Instance(name: "web"),
    ]

    static func forward(_ name: String, inits: [String] = []) -> [Step] {
        [.pull(instance: name)] + inits.map { .runInit(instance: name, container: $0) } + [
            .create(instance: name), .awaitHealthy(instance: name), .switchOver(instance: name),
        ]
    }

    @Test("happy path: every instance in image order, then the previous containers removed")
    func happyPath() {
        let run = Self.run(Self.three)
        #expect(
            run.steps
                == Self.forward("db") + Self.forward("api", inits: ["migrate", "seed"]) + Self.forward("web") + [
                    .removePrevious(instance: "db"), .removePrevious(instance: "api"), .removePrevious(instance: "web"),
                ])
        #expect(run.outcome == .succeeded)
        #expect(run.events.last == DeploymentEvent(.succeeded, "all 3 instances are in place"))
        #expect(run.events.contains(DeploymentEvent(.initContainer, instance: "api", "running init container seed (2/2)")))
        #expect(run.events.contains(DeploymentEvent(.create, instance: "db", "creating the new container beside the previous one")))
        #expect(run.events.filter { $0.kind == .switchover }.map(\.instance) == ["db", "api", "web"])
        #expect(run.events.count == run.steps.count + 1)
    }

    @Test("failure at instance 2 of 3: instance 2 discarded, instance 1 restored, the deployment failed")
    func failureAtSecond() {
        let run = Self.run(Self.three) { $0 == .awaitHealthy(instance: "api") ? "unhealthy after 120 s" : nil }
        #expect(
            run.steps
                == Self.forward("db") + [
                    .pull(instance: "api"), .runInit(instance: "api", container: "migrate"), .runInit(instance: "api", container: "seed"),
                    .create(instance: "api"), .awaitHealthy(instance: "api"), .discard(instance: "api"), .restore(instance: "db"),
                ])
        #expect(run.outcome == .failed(instance: "api", reason: "health: unhealthy after 120 s"))
        #expect(run.events.contains(DeploymentEvent(.failed, instance: "api", "health failed: unhealthy after 120 s")))
        #expect(run.events.contains(DeploymentEvent(.restore, instance: "db", "restoring the previous container")))
        #expect(run.events.last == DeploymentEvent(.failed, "rollout failed at api (health: unhealthy after 120 s); restored db"))
    }

    @Test("failure at instance 1: nothing was replaced, nothing to restore")
    func failureAtFirst() {
        let pulled = Self.run(Self.three) { $0 == .pull(instance: "db") ? "manifest unknown" : nil }
        #expect(pulled.steps == [.pull(instance: "db")])
        #expect(pulled.outcome == .failed(instance: "db", reason: "pull: manifest unknown"))
        #expect(pulled.events.last == DeploymentEvent(.failed, "rollout failed at db (pull: manifest unknown); nothing had been replaced"))

        let unhealthy = Self.run(Self.three) { $0 == .awaitHealthy(instance: "db") ? "exited 1" : nil }
        #expect(unhealthy.steps == Self.forward("db").dropLast() + [.discard(instance: "db")])
        #expect(unhealthy.outcome == .failed(instance: "db", reason: "health: exited 1"))
    }

    @Test("an init container fails: its instance has nothing to discard; switched ones are restored")
    func initFailure() {
        let run = Self.run(Self.three) { $0 == .runInit(instance: "api", container: "seed") ? "exited 3" : nil }
        #expect(
            run.steps
                == Self.forward("db") + [
                    .pull(instance: "api"), .runInit(instance: "api", container: "migrate"), .runInit(instance: "api", container: "seed"),
                    .restore(instance: "db"),
                ])
        #expect(run.outcome == .failed(instance: "api", reason: "init seed: exited 3"))
    }

    @Test("failure at the last switch: discarded, then every switched instance restored newest first")
    func reverseOrder() {
        let run = Self.run(Self.three) { $0 == .switchOver(instance: "web") ? "rename failed" : nil }
        #expect(run.steps.suffix(3) == [.discard(instance: "web"), .restore(instance: "api"), .restore(instance: "db")])
        #expect(run.events.last == DeploymentEvent(.failed, "rollout failed at web (switch: rename failed); restored api, db"))
    }

    @Test("a restore that fails does not stop the others; the final event says what was not undone")
    func restoreFailure() {
        let run = Self.run(Self.three) { step in
            switch step {
            case .create(instance: "web"): "port is already allocated"
            case .restore(instance: "api"): "engine unreachable"
            default: nil
            }
        }
        #expect(run.steps.suffix(3) == [.discard(instance: "web"), .restore(instance: "api"), .restore(instance: "db")])
        #expect(run.outcome == .failed(instance: "web", reason: "create: port is already allocated"))
        #expect(
            run.events.last
                == DeploymentEvent(
                    .failed, "rollout failed at web (create: port is already allocated); restored db; not undone: restore api: engine unreachable"))
    }

    @Test("a cleanup that fails leaves the deployment successful and says so")
    func cleanupFailure() {
        let run = Self.run(Self.three) { $0 == .removePrevious(instance: "api") ? "device busy" : nil }
        #expect(run.outcome == .succeeded)
        #expect(run.steps.suffix(2) == [.removePrevious(instance: "api"), .removePrevious(instance: "web")])
        #expect(run.events.contains { $0.kind == .cleanup && $0.instance == "api" && $0.message.contains("device busy") })
    }

    @Test("an instance that cannot run beside its previous container stops it first, and starts it again when discarded")
    func stopsPreviousFirst() {
        let instances = [RolloutPlan.Instance(name: "lb", stopsPreviousFirst: true)]
        let ok = Self.run(instances)
        #expect(
            ok.steps == [
                .pull(instance: "lb"), .stopPrevious(instance: "lb"), .create(instance: "lb"), .awaitHealthy(instance: "lb"), .switchOver(instance: "lb"),
                .removePrevious(instance: "lb"),
            ])
        #expect(ok.events.last == DeploymentEvent(.succeeded, "the instance is in place"))
        let failed = Self.run(instances) { $0 == .awaitHealthy(instance: "lb") ? "unhealthy" : nil }
        #expect(failed.steps.last == .discard(instance: "lb"))
        #expect(failed.events.contains(DeploymentEvent(.restore, instance: "lb", "removing the new container and starting the previous one again")))
    }

    @Test("a first deployment has nothing to stop, keep or remove")
    func firstDeployment() {
        let instances = [
            RolloutPlan.Instance(name: "web", hasPrevious: false, stopsPreviousFirst: true), RolloutPlan.Instance(name: "api", hasPrevious: false),
        ]
        let ok = Self.run(instances)
        #expect(ok.steps == Self.forward("web") + Self.forward("api"))
        let failed = Self.run(instances) { $0 == .create(instance: "api") ? "no space" : nil }
        #expect(failed.steps.suffix(2) == [.discard(instance: "api"), .restore(instance: "web")])
        #expect(failed.events.contains(DeploymentEvent(.restore, instance: "web", "removing the new container (there was none before)")))
    }

    @Test("no instances: nothing to deploy; events before the start do nothing")
    func edges() {
        #expect(Self.run([]).outcome == .succeeded)
        var plan = RolloutPlan(instances: Self.three)
        #expect(plan.received(.stepSucceeded) == .none)
        #expect(plan.received(.stepFailed(reason: "x")) == .none)
        #expect(plan.outcome == nil)
        #expect(plan.received(.start) == .perform(.pull(instance: "db"), events: [DeploymentEvent(.pull, instance: "db", "pulling the image")]))
        #expect(plan.received(.start) == .none)
    }

    @Test("every step names its instance, its event kind and its label")
    func steps() {
        let all: [Step] = [
            .pull(instance: "i"), .runInit(instance: "i", container: "m"), .stopPrevious(instance: "i"), .create(instance: "i"), .awaitHealthy(instance: "i"),
            .switchOver(instance: "i"), .discard(instance: "i"), .restore(instance: "i"), .removePrevious(instance: "i"),
        ]
        #expect(all.allSatisfy { $0.instance == "i" })
        #expect(all.map(\.eventKind) == [.pull, .initContainer, .switchover, .create, .health, .switchover, .restore, .restore, .cleanup])
        #expect(all.map(\.label) == ["pull", "init m", "stop previous", "create", "health", "switch", "discard", "restore", "cleanup"])
        #expect(
            DeploymentEvent.Kind.allCases.map(\.rawValue) == [
                "requested", "pull", "init", "create", "health", "switch", "restore", "cleanup", "failed", "succeeded",
            ])
        #expect(DeploymentEvent(.switchover, instance: "web", "m").description == "switch web: m")
    }
}
