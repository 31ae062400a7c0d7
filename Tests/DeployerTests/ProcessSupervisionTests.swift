import Testing

@testable import DeployerService

/// The termination and draining policy, driven with made-up instants: no processes, no sleeping.
@Suite struct ProcessSupervisionTests {
    let start = ContinuousClock.now
    let configuration = ProcessSupervision.Configuration(timeout: .seconds(10), killGrace: .seconds(2))

    func at(_ offset: Duration, exited: Bool = false, pipesOpen: Bool = true, cancelled: Bool = false)
        -> ProcessSupervision.Observation
    {
        .init(now: start + offset, childExited: exited, pipesOpen: pipesOpen, cancellationRequested: cancelled)
    }

    func machine() -> ProcessSupervision {
        ProcessSupervision(startedAt: start, configuration: configuration)
    }

    @Test func runningChildIsPolledAtThePollInterval() {
        var supervision = machine()
        #expect(supervision.next(at(.zero)) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.seconds(5))) == .wait(.milliseconds(50)))
    }

    @Test func waitNeverOvershootsTheDeadline() {
        var supervision = machine()
        #expect(supervision.next(at(.milliseconds(9_980))) == .wait(.milliseconds(20)))
    }

    @Test func exitWithClosedPipesFinishesAtOnce() {
        var supervision = machine()
        #expect(supervision.next(at(.milliseconds(3), exited: true, pipesOpen: false)) == .finish)
        #expect(supervision.terminationReason == nil)
        #expect(!supervision.cancelledBeforeExit)
    }

    @Test func closedPipesBeforeExitAreFollowedByQuickExitChecks() {
        var supervision = machine()
        let waits = (0..<11).map { _ in supervision.next(at(.milliseconds(1), pipesOpen: false)) }
        #expect(waits == [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 50000, 50000].map { .wait(.microseconds($0)) })
    }

    @Test func exitWhilePipesAreHeldDrainsForTheDrainWindowOnly() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(1), exited: true)) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(1_070), exited: true)) == .wait(.milliseconds(30)))
        #expect(supervision.next(at(.milliseconds(1_100), exited: true)) == .finish)
        #expect(supervision.terminationReason == nil)
    }

    @Test func timeoutTerminatesThenKillsAfterTheGrace() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(10))) == .signalGroup(.terminate))
        #expect(supervision.terminationReason == .timeout)
        #expect(supervision.next(at(.seconds(10))) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(11_990))) == .wait(.milliseconds(10)))
        #expect(supervision.next(at(.seconds(12))) == .signalGroup(.kill))
        #expect(supervision.next(at(.seconds(12))) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(12_010), exited: true, pipesOpen: false)) == .finish)
        #expect(!supervision.cancelledBeforeExit)
    }

    @Test func groupIsSweptBeforeReapingWhenTheChildDiesWithinTheGrace() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(10))) == .signalGroup(.terminate))
        #expect(supervision.next(at(.milliseconds(10_005), exited: true, pipesOpen: false)) == .signalGroup(.kill))
        #expect(supervision.next(at(.milliseconds(10_005), exited: true, pipesOpen: false)) == .finish)
    }

    @Test func groupMembersHoldingThePipesGetTheWholeGrace() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(10))) == .signalGroup(.terminate))
        #expect(supervision.next(at(.milliseconds(10_100), exited: true)) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(11_990), exited: true)) == .wait(.milliseconds(10)))
        #expect(supervision.next(at(.seconds(12), exited: true)) == .signalGroup(.kill))
        #expect(supervision.next(at(.milliseconds(12_060), exited: true)) == .wait(.milliseconds(40)))
        #expect(supervision.next(at(.milliseconds(12_100), exited: true)) == .finish)
    }

    @Test func cancellationTerminatesLikeATimeout() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(1), cancelled: true)) == .signalGroup(.terminate))
        #expect(supervision.terminationReason == .cancellation)
        #expect(supervision.cancelledBeforeExit)
        #expect(supervision.next(at(.seconds(3), cancelled: true)) == .signalGroup(.kill))
    }

    @Test func cancellationDuringTheGraceOfATimeoutIsStillReported() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(10))) == .signalGroup(.terminate))
        #expect(supervision.next(at(.seconds(11), cancelled: true)) == .wait(.milliseconds(50)))
        #expect(supervision.terminationReason == .timeout)
        #expect(supervision.cancelledBeforeExit)
    }

    @Test func cancellationAfterExitKeepsTheOutcome() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(1), exited: true)) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(1_050), exited: true, cancelled: true)) == .wait(.milliseconds(50)))
        #expect(supervision.next(at(.milliseconds(1_060), exited: true, pipesOpen: false, cancelled: true)) == .finish)
        #expect(supervision.terminationReason == nil)
        #expect(!supervision.cancelledBeforeExit)
    }

    @Test func exitAtTheDeadlineIsNotATimeout() {
        var supervision = machine()
        #expect(supervision.next(at(.seconds(10), exited: true, pipesOpen: false)) == .finish)
        #expect(supervision.terminationReason == nil)
    }

    @Test func zeroTimeoutTerminatesImmediately() {
        var supervision = ProcessSupervision(
            startedAt: start, configuration: .init(timeout: .zero, killGrace: .zero))
        #expect(supervision.next(at(.zero)) == .signalGroup(.terminate))
        #expect(supervision.next(at(.zero)) == .signalGroup(.kill))
        #expect(supervision.next(at(.zero)) == .wait(.milliseconds(50)))
    }
}
