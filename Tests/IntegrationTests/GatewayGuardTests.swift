import CoxswainCore
import CoxswainCrypto
import Foundation
import Synchronization
import Testing

@testable import GatewayService

/// Pure tests of the Gateway's request guards (no processes): NUL scanning, number ranges, the
/// login rate limiter and the password work limiter.
@Suite("Gateway request guards")
struct GatewayGuardTests {
    // MARK: NUL

    @Test("a NUL in any string is found with its field path")
    func nulIsFoundWithItsPath() {
        let body = #"{"verb":"RUN","steps":[{"arguments":"a"},{"arguments":"b"},{"arguments":"c\u0000d"}]}"#
        #expect(NULScanner.firstPath(in: Data(body.utf8)) == "steps[2].arguments")
        #expect(NULScanner.firstPath(in: Data(#"{"labels":{"k\u0000":"v"}}"#.utf8)) == "labels (a key)")
        #expect(NULScanner.firstPath(in: Data(#"{"name":"\u0000"}"#.utf8)) == "name")
        #expect(NULScanner.firstPath(in: Data(#""\u0000""#.utf8)) == "(body)")
    }

    @Test("an escaped backslash before u0000 is not a NUL")
    func escapedBackslashIsNotNUL() {
        #expect(!NULScanner.mayHoldNUL(Data(#"{"a":"\\u0000"}"#.utf8)))
        #expect(NULScanner.mayHoldNUL(Data(#"{"a":"\\\u0000"}"#.utf8)))
        #expect(NULScanner.firstPath(in: Data(#"{"a":"\\u0000","b":[1,2,{"c":"x"}]}"#.utf8)) == nil)
        #expect(NULScanner.firstPath(in: Data("not json \\u0000".utf8)) == nil)
    }

    // MARK: Ranges

    @Test("out-of-range numbers are refused naming the field", arguments: [1e300, -1e300, 9.3e18, -9.3e18, -1, 0, 1e-300, 40 * 86_400] as [Double])
    func expiriesOutOfRange(_ value: Double) {
        #expect(AddNodeRequest(name: "n", expiresInSeconds: value).rangeProblem?.reason.contains("expiresInSeconds") == true)
        #expect(InviteRequest(role: .viewer, expiresInSeconds: value).rangeProblem?.reason.contains("expiresInSeconds") == true)
        if value > 365 * 86_400 || value < 60 {
            #expect(CreateTokenRequest(name: "t", expiresInSeconds: value).rangeProblem?.reason.contains("expiresInSeconds") == true)
        }
    }

    @Test("sensible numbers pass")
    func sensibleNumbersPass() {
        #expect(AddNodeRequest(name: "n", expiresInSeconds: 3600).rangeProblem == nil)
        #expect(AddNodeRequest(name: "n").rangeProblem == nil)
        #expect(CreateTokenRequest(name: "t", expiresInSeconds: 365 * 86_400).rangeProblem == nil)
        var job = SubmitJobRequest(verb: "ADD", arguments: "a b", timeoutSeconds: 30)
        job.steps = [JobStep(verb: "ADD", arguments: "a b")]
        job.steps?[0].artifacts = [ArtifactRef(name: "a", digest: String(repeating: "0", count: 64), size: 10, mode: 0o755)]
        #expect(job.rangeProblem == nil)
    }

    @Test("a job's timeout, file mode and size are range-checked")
    func jobNumbers() {
        #expect(SubmitJobRequest(verb: "RUN", arguments: "x", timeoutSeconds: 1e300).rangeProblem?.reason.contains("timeoutSeconds") == true)
        #expect(SubmitJobRequest(verb: "RUN", arguments: "x", timeoutSeconds: -5).rangeProblem?.code == "invalid_timeout", "the code clients already know")
        for (mode, size) in [(0o10000, Int64(1)), (-1, 1), (Int.max, 1), (Int.min, 1), (0o644, -1), (0o644, Int64.max)] {
            var job = SubmitJobRequest(verb: "ADD", arguments: "a b")
            job.steps = [JobStep(verb: "RUN", arguments: "x"), JobStep(verb: "ADD", arguments: "a b")]
            job.steps?[1].artifacts = [ArtifactRef(name: "ok", digest: "d", size: 1), ArtifactRef(name: "a", digest: "d", size: size, mode: mode)]
            let problem = job.rangeProblem?.reason ?? ""
            #expect(problem.contains("steps[1].artifacts[1].") && (problem.contains("mode") || problem.contains("size")), "\(mode) \(size): \(problem)")
        }
    }

    @Test("dates PostgreSQL cannot store are refused")
    func hugeDates() throws {
        let far = try #require(WireCoding.parseDate("300000-01-01T00:00:00Z"))
        #expect(RequestRange.problem(date: far, field: "since")?.contains("since") == true)
        #expect(RequestRange.problem(date: Date(), field: "since") == nil)
        #expect(RequestRange.format(60) == "60" && RequestRange.format(0.001) == "0.001")
    }

    @Test("the throttled login paths are matched however they are spelled")
    func throttledPaths() {
        #expect(PasswordRoutes.contains(path: "//v1/login/"))
        #expect(PasswordRoutes.contains(path: "/v1/invitations/accept"))
        #expect(!PasswordRoutes.contains(path: "/v1/jobs"))
    }

    // MARK: Rate limiter

    @Test("each key gets its attempts per minute, then waits")
    func rateLimiterPerKey() {
        let clock = ManualSeconds()
        let limiter = RateLimiter(perMinute: 3, now: clock.read)
        for _ in 0..<3 { #expect(limiter.take(["a"]) == nil) }
        #expect(limiter.take(["a"]) == 20)
        #expect(limiter.take(["b"]) == nil, "another key is not limited")
        clock.advance(20)
        #expect(limiter.take(["a"]) == nil)
        #expect(limiter.take(["a"]) != nil)
    }

    @Test("several keys are spent together or not at all")
    func rateLimiterAllOrNothing() {
        let clock = ManualSeconds()
        let limiter = RateLimiter(perMinute: 2, now: clock.read)
        #expect(limiter.take(["x", "y"]) == nil)
        #expect(limiter.take(["x", "y"]) == nil)
        #expect(limiter.take(["y", "z"]) != nil)
        #expect(limiter.take(["z"]) == nil && limiter.take(["z"]) == nil, "z was not spent by the refused attempt")
    }

    @Test("the limiter forgets idle keys when it holds too many")
    func rateLimiterIsBounded() {
        let clock = ManualSeconds()
        let limiter = RateLimiter(perMinute: 5, maximumKeys: 100, now: clock.read)
        for i in 0..<1000 {
            _ = limiter.take(["k\(i)"])
            clock.advance(1)
        }
        #expect(limiter.count <= 100)
    }

    // MARK: Work limiter

    @Test("at most capacity run, a few wait in order, the rest are refused")
    func workLimiterBounds() async throws {
        let limiter = WorkLimiter(capacity: 2, queueLength: 2)
        let gate = AsyncGate()
        let order = Locked<[Int]>([])
        let running = Locked((now: 0, peak: 0))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<4 {
                group.addTask {
                    let result: Void? = await limiter.run {
                        running.withLock {
                            $0.now += 1
                            $0.peak = max($0.peak, $0.now)
                        }
                        order.withLock { $0.append(i) }
                        await gate.wait()
                        running.withLock { $0.now -= 1 }
                    }
                    return result != nil
                }
                // Arrive in order.
                try await eventually("task \(i) admitted", timeout: .seconds(5), every: .milliseconds(5)) {
                    let load = limiter.load
                    return load.running + load.waiting == i + 1
                }
            }
            #expect(limiter.load.running == 2 && limiter.load.waiting == 2)
            #expect(await limiter.run { 1 } == nil, "a fifth is refused at once")
            gate.open()
            var completed = 0
            for try await ran in group where ran { completed += 1 }
            #expect(completed == 4)
        }
        #expect(order.withLock { $0 }.suffix(2) == [2, 3], "waiters run in arrival order")
        #expect(running.withLock { $0.peak } == 2)
        #expect(limiter.load.running == 0 && limiter.load.waiting == 0)
    }

    @Test("a cancelled waiter leaves the queue")
    func workLimiterCancellation() async throws {
        let limiter = WorkLimiter(capacity: 1, queueLength: 1)
        let gate = AsyncGate()
        let holder = Task { await limiter.run { await gate.wait() } }
        try await eventually("holder runs", timeout: .seconds(5), every: .milliseconds(5)) { limiter.load.running == 1 }
        let waiter = Task { await limiter.run { 1 } }
        try await eventually("waiter queued", timeout: .seconds(5), every: .milliseconds(5)) { limiter.load.waiting == 1 }
        waiter.cancel()
        #expect(await waiter.value == nil)
        #expect(limiter.load.waiting == 0)
        gate.open()
        _ = await holder.value
        #expect(await limiter.run { 2 } == 2)
    }

    // MARK: Passwords

    @Test("the dummy hash costs what a stored password costs")
    func dummyHashHasInteractiveCost() async {
        #expect(!PasswordHasher.needsRehash(PasswordGuard.dummyHash))
        let guardian = PasswordGuard(maximumConcurrent: 1, attemptsPerMinute: 10)
        #expect(await guardian.verify("anything at all", hash: nil) == .rejected)
    }
}

/// A value shared between test tasks.
final class Locked<T: Sendable>: Sendable {
    private let value: Mutex<T>
    init(_ value: T) { self.value = Mutex(value) }
    func withLock<R>(_ body: (inout T) -> R) -> R { value.withLock { body(&$0) } }
}

/// A clock the test moves by hand.
final class ManualSeconds: Sendable {
    private let value = Mutex(0.0)
    var read: @Sendable () -> Double { { self.value.withLock { $0 } } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
}

/// Tasks wait until the test opens the gate.
final class AsyncGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }
}

@Suite("Gateway number locator")
struct NumberLocatorTests {
    @Test(
        "the number a whole-number field cannot hold is named", arguments: ["1e300", "-1e300", "1.5", "9223372036854775808", "18446744073709551616", "1e-300"])
    func unfitNumberIsNamed(_ value: String) {
        let body =
            #"{"verb":"ADD","arguments":"a b","timeoutSeconds":1.5,"steps":[{"verb":"ADD","arguments":"a b","artifacts":[{"name":"a","digest":"d","size":1,"mode":\#(value)}]}]}"#
        #expect(NumberLocator.unfitNumber(in: Data(body.utf8), as: SubmitJobRequest.self) == "steps[0].artifacts[0].mode")
    }

    @Test("malformed JSON names nothing")
    func malformedNamesNothing() {
        #expect(NumberLocator.unfitNumber(in: Data(#"{"verb":"#.utf8), as: SubmitJobRequest.self) == nil)
        #expect(NumberLocator.unfitNumber(in: Data(#"{"verb":1}"#.utf8), as: SubmitJobRequest.self) == nil)
    }
}
