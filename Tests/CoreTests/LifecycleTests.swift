import CoxswainCore
import Testing

/// Every status × every event of each lifecycle, against a table written out by hand.
@Suite("Lifecycles")
struct LifecycleTests {
    // MARK: Tasks

    @Test("a pending task takes its first final outcome; a final one replays, whatever comes", arguments: TaskStatus.allCases)
    func taskTransitions(from status: TaskStatus) {
        for event in TaskStateMachine.Event.allCases {
            var machine = TaskStateMachine(status: status)
            let action = machine.received(event)
            let expected: TaskStateMachine.Action
            switch (status, event) {
            case (.pending, .reported(.pending)): expected = .refuse(reason: "a result must carry a final status, not pending")
            case (.pending, .reported(let s)): expected = .record(s)
            case (.pending, .overdue): expected = .record(.timedOut)
            case (.pending, .abandoned): expected = .record(.failed)
            default: expected = .replay(status)
            }
            #expect(action == expected, "\(status) + \(event)")
            switch expected {
            case .record(let s): #expect(machine.status == s)
            case .replay, .refuse: #expect(machine.status == status)
            }
        }
    }

    @Test("a duplicate result after the first changes nothing")
    func duplicateResult() {
        var machine = TaskStateMachine()
        #expect(machine.received(.reported(.failed)) == .record(.failed))
        #expect(machine.received(.reported(.succeeded)) == .replay(.failed))
        #expect(machine.received(.overdue) == .replay(.failed))
        #expect(machine.status == .failed)
    }

    // MARK: Jobs

    static let tallies: [TaskTally] = [
        TaskTally(), TaskTally(pending: 2), TaskTally(pending: 1, succeeded: 1), TaskTally(pending: 1, failed: 1),
        TaskTally(succeeded: 3), TaskTally(succeeded: 2, failed: 1), TaskTally(failed: 2),
    ]

    @Test("the completion rule: complete when none is pending; succeeded only when every task succeeded")
    func outcome() {
        #expect(JobStateMachine.outcome(of: TaskTally()) == .failed)
        #expect(JobStateMachine.outcome(of: TaskTally(pending: 1, succeeded: 5)) == nil)
        #expect(JobStateMachine.outcome(of: TaskTally(succeeded: 5)) == .succeeded)
        #expect(JobStateMachine.outcome(of: TaskTally(succeeded: 5, failed: 1)) == .failed)
        #expect(JobStateMachine.outcome(of: TaskTally([.succeeded, .timedOut])) == .failed)
        #expect(TaskTally([.pending, .succeeded, .failed, .timedOut]) == TaskTally(pending: 1, succeeded: 1, failed: 2))
    }

    @Test("every job status × every event", arguments: JobStatus.allCases)
    func jobTransitions(from status: JobStatus) {
        var events: [JobStateMachine.Event] = [.rejected(reason: "seal does not verify")]
        for tally in Self.tallies { events += [.planned(tally), .tasksSettled(tally)] }
        for event in events {
            var machine = JobStateMachine(status: status)
            let action = machine.received(event)
            let expected: JobStateMachine.Action
            switch (status, event) {
            case (.succeeded, _), (.failed, _): expected = .alreadyFinal(status)
            case (_, .rejected): expected = .complete(.failed)
            case (.submitted, .planned(let t)): expected = t.pending > 0 ? .dispatch : .complete(t.failed == 0 && t.total > 0 ? .succeeded : .failed)
            case (.submitted, .tasksSettled): expected = .none
            case (.dispatched, .planned): expected = .none
            case (.dispatched, .tasksSettled(let t)): expected = t.pending > 0 ? .none : .complete(t.failed == 0 && t.total > 0 ? .succeeded : .failed)
            }
            #expect(action == expected, "\(status) + \(event)")
            switch action {
            case .dispatch: #expect(machine.status == .dispatched)
            case .complete(let s): #expect(machine.status == s && s.isFinal)
            case .none, .alreadyFinal: #expect(machine.status == status)
            }
        }
    }

    @Test("a job planned with every target unreachable fails at once")
    func planAllFailed() {
        var machine = JobStateMachine()
        #expect(machine.received(.planned(TaskTally(failed: 3))) == .complete(.failed))
    }

    // MARK: Bootstrap

    @Test("every run status × every event", arguments: BootstrapRunStatus.allCases)
    func runTransitions(from status: BootstrapRunStatus) {
        for event in BootstrapRunStateMachine.Event.allCases {
            var machine = BootstrapRunStateMachine(status: status)
            let action = machine.received(event)
            let expected: BootstrapRunStateMachine.Action
            switch (status, event) {
            case (.succeeded, _), (.failed, _): expected = .none
            case (.queued, .claim): expected = .start
            case (.running, .claim(let expired)): expected = expired ? .resume : .leased
            case (_, .finish(let ok, let error)): expected = .complete(ok && !error ? .succeeded : .failed)
            }
            #expect(action == expected, "\(status) + \(event)")
            switch action {
            case .start, .resume: #expect(machine.status == .running)
            case .complete(let s): #expect(machine.status == s)
            case .leased, .none: #expect(machine.status == status)
            }
        }
        #expect(BootstrapRunStateMachine.claimable.contains(status) == !status.isFinal)
    }

    @Test("a run fails when one host did not succeed or it stopped with an error")
    func runOutcome() {
        #expect(BootstrapRunStateMachine.outcome(hosts: [.succeeded, .succeeded], error: false) == .succeeded)
        #expect(BootstrapRunStateMachine.outcome(hosts: [.succeeded, .failed], error: false) == .failed)
        #expect(BootstrapRunStateMachine.outcome(hosts: [.succeeded, .pending], error: false) == .failed)
        #expect(BootstrapRunStateMachine.outcome(hosts: [.succeeded], error: true) == .failed)
        #expect(BootstrapRunStateMachine.outcome(hosts: [], error: false) == .succeeded)
    }

    @Test("every host status × every event", arguments: BootstrapHostStatus.allCases)
    func hostTransitions(from status: BootstrapHostStatus) {
        for event in BootstrapHostStateMachine.Event.allCases {
            var machine = BootstrapHostStateMachine(status: status)
            let action = machine.received(event)
            let expected: BootstrapHostStateMachine.Action
            switch (status, event) {
            case (.succeeded, _), (.failed, _): expected = .none
            case (_, .started): expected = .start
            case (_, .finished(let ok)): expected = .finish(ok ? .succeeded : .failed, skipRemainingSteps: !ok)
            }
            #expect(action == expected, "\(status) + \(event)")
        }
        #expect(BootstrapHostStateMachine.skippableSteps == [.pending, .running])
    }

    @Test("every step status × every event", arguments: BootstrapStepStatus.allCases)
    func stepTransitions(from status: BootstrapStepStatus) {
        for event in BootstrapStepStateMachine.Event.allCases {
            var machine = BootstrapStepStateMachine(status: status)
            let recorded = machine.received(event)
            let expected: BootstrapStepStatus?
            switch (status, event) {
            case (.pending, .hostStarted): expected = nil
            case (_, .hostStarted): expected = .pending
            case (.running, .started): expected = nil
            case (.pending, .started): expected = .running
            case (.pending, .finished(let ok)), (.running, .finished(let ok)): expected = ok ? .succeeded : .failed
            case (.pending, .hostFailed), (.running, .hostFailed): expected = .skipped
            default: expected = nil
            }
            #expect(recorded == expected, "\(status) + \(event)")
            #expect(machine.status == (expected ?? status))
        }
    }

    // MARK: Verb traits

    @Test("verb traits: step-only verbs are the coordinated ones; REKEY is admin-only and never a step")
    func verbTraits() {
        #expect(Set(Verb.allCases.filter { $0.traits.contains(.stepOnly) }) == [.add, .copy, .query, .queryWait, .jobWait, .queueSentinel, .reboot])
        #expect(
            Set(Verb.allCases.filter { $0.traits.contains(.uncached) }.map(\.rawValue))
                == [
                    "CACHEEVICT", "ECHO", "WAIT", "QUERY", "QUERY_WAIT", "JOB_WAIT", "REKEY", "REBOOT", "CACHEDUMP", "QUEUESENTINEL", "CONTAINER",
                    "POD", "CONTAINER_IMAGE", "DEPLOY",
                ])
        #expect(Verb.allCases.filter { $0.traits.contains(.adminOnly) } == [.rekey])
        #expect(Set(Verb.allCases).subtracting(Verb.stepVerbs) == [.rekey, .container, .deploy])
        #expect(Verb.allCases.filter { $0.traits.contains(.operationOnly) } == [.container, .deploy])
        #expect(Set(Verb.allCases.filter { $0.traits.contains(.waitsForNodes) }) == [.query, .queryWait, .jobWait])
    }
}
