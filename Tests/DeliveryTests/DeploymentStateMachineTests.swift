import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// Every status × every event × both version kinds, against expectations written out by hand.
@Suite("Deployment state machine")
struct DeploymentStateMachineTests {
    typealias Event = DeploymentStateMachine.Event
    typealias Action = DeploymentStateMachine.Action

    /// Each machine starts with two tries behind it: 0 is invalid, 1 and 2 are done, 3 is next, 5 skips one.
    static let events: [Event] = [
        .deployRequested(tryNumber: 0), .deployRequested(tryNumber: 1), .deployRequested(tryNumber: 2), .deployRequested(tryNumber: 3),
        .deployRequested(tryNumber: 5), .started, .instanceSucceeded(instance: "web"), .instanceFailed(instance: "web", reason: "exited 1"),
        .allSucceeded, .nodeTimedOut, .deleted, .supersededOnSameTarget, .descendantSucceeded, .ancestorSucceeded,
    ]

    static func expected(_ status: DeploymentStatus, _ kind: VersionKind, _ event: Event) -> Action {
        switch (status, event) {
        case (_, .deployRequested(let n)) where n < 1: return .refuse(.tryOutOfOrder(expected: 3, received: n))
        case (_, .deployRequested(let n)) where n <= 2: return .none
        case (.inProgress, .deployRequested), (.downgraded, .deployRequested):
            return .refuse(.notAllowed(.deploy, status: status, versionKind: kind))
        case (.successful, .deployRequested) where kind == .incremental:
            return .refuse(.notAllowed(.deploy, status: status, versionKind: kind))
        case (_, .deployRequested(5)): return .refuse(.tryOutOfOrder(expected: 3, received: 5))
        case (_, .deployRequested): return .dispatch(tryNumber: 3, rollback: status == .obsolete)

        case (.inProgress, .started), (.inProgress, .instanceSucceeded): return .recordProgress
        case (_, .started), (_, .instanceSucceeded): return .refuse(.notInProgress(status))

        case (.inProgress, .instanceFailed(let instance, let reason)): return .fail(instance: instance, reason: reason)
        case (.inProgress, .nodeTimedOut): return .fail(instance: nil, reason: "the node did not finish the rollout in time")
        case (.failed, .instanceFailed), (.failed, .nodeTimedOut): return .none
        case (_, .instanceFailed), (_, .nodeTimedOut): return .refuse(.notInProgress(status))

        case (.inProgress, .allSucceeded): return .succeed
        case (.successful, .allSucceeded): return .none
        case (_, .allSucceeded): return .refuse(.notInProgress(status))

        case (.inProgress, .deleted): return .refuse(.notAllowed(.delete, status: .inProgress, versionKind: kind))
        case (_, .deleted): return .remove

        case (.preparing, .supersededOnSameTarget), (.preparing, .descendantSucceeded), (.preparing, .ancestorSucceeded): return .none
        case (.inProgress, .supersededOnSameTarget), (.inProgress, .descendantSucceeded), (.inProgress, .ancestorSucceeded): return .none
        case (.obsolete, .supersededOnSameTarget), (.obsolete, .descendantSucceeded): return .none
        case (_, .supersededOnSameTarget), (_, .descendantSucceeded): return .mark(.obsolete)
        case (.downgraded, .ancestorSucceeded): return .none
        case (_, .ancestorSucceeded): return .mark(.downgraded)
        }
    }

    @Test("every status × every event × version kind", arguments: DeploymentStatus.allCases, VersionKind.allCases)
    func transitions(from status: DeploymentStatus, kind: VersionKind) {
        for event in Self.events {
            var machine = DeploymentStateMachine(status: status, versionKind: kind, tries: 2)
            let action = machine.received(event)
            let expected = Self.expected(status, kind, event)
            #expect(action == expected, "\(status) \(kind) + \(event)")
            switch action {
            case .dispatch(let n, _):
                #expect(machine.status == .inProgress && machine.tries == n)
            case .succeed:
                #expect(machine.status == .successful && machine.tries == 2)
            case .fail:
                #expect(machine.status == .failed && machine.tries == 2)
            case .mark(let next):
                #expect(machine.status == next && machine.tries == 2)
            case .recordProgress, .remove, .none, .refuse:
                #expect(machine.status == status && machine.tries == 2, "\(status) \(kind) + \(event) changed the machine")
            }
        }
    }

    @Test("what a user may do is what the status table allows", arguments: DeploymentStatus.allCases, VersionKind.allCases)
    func userActions(status: DeploymentStatus, kind: VersionKind) {
        let machine = DeploymentStateMachine(status: status, versionKind: kind)
        for action in DeploymentAction.allCases {
            let refusal = machine.refusal(for: action)
            #expect((refusal == nil) == status.allows(action, versionKind: kind))
            if let refusal { #expect(refusal == .notAllowed(action, status: status, versionKind: kind)) }
        }
    }

    @Test("each try is counted: fail, redeploy, succeed; duplicates change nothing")
    func tries() {
        var machine = DeploymentStateMachine(versionKind: .incremental)
        #expect(machine.received(.deployRequested(tryNumber: 1)) == .dispatch(tryNumber: 1, rollback: false))
        #expect(machine.received(.deployRequested(tryNumber: 1)) == .none)
        #expect(machine.received(.started) == .recordProgress)
        #expect(machine.received(.instanceSucceeded(instance: "db")) == .recordProgress)
        #expect(machine.received(.instanceFailed(instance: "web", reason: "health: unhealthy")) == .fail(instance: "web", reason: "health: unhealthy"))
        #expect(machine.received(.instanceFailed(instance: "web", reason: "health: unhealthy")) == .none)
        #expect(machine.received(.allSucceeded) == .refuse(.notInProgress(.failed)))
        #expect(machine.received(.deployRequested(tryNumber: 2)) == .dispatch(tryNumber: 2, rollback: false))
        #expect(machine.received(.allSucceeded) == .succeed)
        #expect(machine.received(.allSucceeded) == .none)
        #expect(machine.status == .successful && machine.tries == 2)
        // An incremental success is final for this deployment: no redeploy, no edit.
        #expect(machine.received(.deployRequested(tryNumber: 3)) == .refuse(.notAllowed(.deploy, status: .successful, versionKind: .incremental)))
    }

    @Test("a rolling success is redeployed in place; an obsolete deployment is rolled back with its frozen configuration")
    func redeployAndRollback() {
        var rolling = DeploymentStateMachine(status: .successful, versionKind: .rolling, tries: 4)
        #expect(rolling.received(.deployRequested(tryNumber: 5)) == .dispatch(tryNumber: 5, rollback: false))

        var older = DeploymentStateMachine(status: .successful, versionKind: .incremental, tries: 1)
        #expect(older.received(.descendantSucceeded) == .mark(.obsolete))
        #expect(older.received(.deployRequested(tryNumber: 2)) == .dispatch(tryNumber: 2, rollback: true))
        #expect(older.received(.allSucceeded) == .succeed)
    }

    @Test("a timed-out rollout fails; the node's late report is refused, not recorded")
    func timeout() {
        var machine = DeploymentStateMachine(status: .inProgress, versionKind: .rolling, tries: 1)
        #expect(machine.received(.nodeTimedOut) == .fail(instance: nil, reason: "the node did not finish the rollout in time"))
        #expect(machine.received(.allSucceeded) == .refuse(.notInProgress(.failed)))
        #expect(machine.received(.started) == .refuse(.notInProgress(.failed)))
        #expect(machine.status == .failed)
    }

    @Test("refusals tell the operator what to do; only waiting for a rollout is retriable")
    func refusals() {
        let inProgress = DeliveryRefusal.notAllowed(.delete, status: .inProgress, versionKind: .rolling)
        #expect(inProgress.isRetriable)
        #expect(inProgress.description.contains("wait until its rollout finishes"))
        let successful = DeliveryRefusal.notAllowed(.edit, status: .successful, versionKind: .incremental)
        #expect(!successful.isRetriable)
        #expect(successful.description.contains("cannot be edited: increase the version"))
        #expect(DeliveryRefusal.notAllowed(.edit, status: .obsolete, versionKind: .incremental).description.contains("deploy it to roll back"))
        #expect(DeliveryRefusal.tryOutOfOrder(expected: 3, received: 5).description.contains("next try is 3"))
    }

    @Test("negative tries from the store are read as none")
    func negativeTries() {
        var machine = DeploymentStateMachine(status: .preparing, versionKind: .rolling, tries: -4)
        #expect(machine.tries == 0)
        #expect(machine.received(.deployRequested(tryNumber: 1)) == .dispatch(tryNumber: 1, rollback: false))
        var full = DeploymentStateMachine(status: .failed, versionKind: .rolling, tries: .max)
        #expect(full.received(.deployRequested(tryNumber: .max)) == .none)
        #expect(full.received(.deployRequested(tryNumber: 0)) == .refuse(.tryOutOfOrder(expected: .max, received: 0)))
    }
}
