import Testing

@testable import CoxswainNotify

@Suite("retry policy")
struct RetryPolicyTests {
    /// A deterministic generator (SplitMix64).
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("the default schedule without jitter: 1 s, 4 s, 16 s, 64 s, 256 s, then give up after the 6th attempt")
    func defaultSchedule() {
        var policy = RetryPolicy()
        #expect(policy == RetryPolicy(maxAttempts: 6, initial: .seconds(1), multiplier: 4, maximum: .seconds(3600), jitter: 0.2))
        policy.jitter = 0
        let delays = (1...7).map { policy.delay(afterAttempt: $0) }
        #expect(delays == [.seconds(1), .seconds(4), .seconds(16), .seconds(64), .seconds(256), nil, nil])
    }

    @Test("waits are capped at the maximum")
    func cappedAtMaximum() {
        let policy = RetryPolicy(maxAttempts: 100, initial: .seconds(1), multiplier: 4, maximum: .seconds(3600), jitter: 0)
        #expect(policy.delay(afterAttempt: 6) == .seconds(1024))
        #expect(policy.delay(afterAttempt: 7) == .seconds(3600))
        #expect(policy.delay(afterAttempt: 99) == .seconds(3600))
        #expect(policy.delay(afterAttempt: 100) == nil)
        #expect(policy.delay(afterAttempt: Int.max) == nil)
    }

    @Test("jitter only shortens a wait, by at most the jitter fraction, and is reproducible with a seeded generator")
    func jitterBounds() throws {
        let policy = RetryPolicy(jitter: 0.5)
        var generator = SeededGenerator(state: 42)
        var seen = Set<Duration>()
        for _ in 0..<200 {
            let delay = try #require(policy.delay(afterAttempt: 3, using: &generator))
            #expect(delay <= .seconds(16) && delay >= .seconds(8))
            seen.insert(delay)
        }
        #expect(seen.count > 100)
        var first = SeededGenerator(state: 7)
        var second = SeededGenerator(state: 7)
        #expect(policy.delay(afterAttempt: 2, using: &first) == policy.delay(afterAttempt: 2, using: &second))
        #expect(policy.delay(afterAttempt: 6, using: &first) == nil)
    }

    @Test("Retry-After lengthens a wait up to the maximum, and never adds attempts")
    func retryAfter() {
        let policy = RetryPolicy(maxAttempts: 3, initial: .seconds(1), multiplier: 2, maximum: .seconds(60), jitter: 0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(30)) == .seconds(30))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(10)) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, retryAfter: .seconds(7200)) == .seconds(60))
        #expect(policy.delay(afterAttempt: 3, retryAfter: .seconds(5)) == nil)
    }

    @Test("out-of-range settings are clamped: at least one attempt, multiplier at least 1")
    func clamped() {
        #expect(RetryPolicy(maxAttempts: 0).delay(afterAttempt: 1) == nil)
        let flat = RetryPolicy(maxAttempts: 4, initial: .seconds(2), multiplier: 0.5, maximum: .seconds(10), jitter: 0)
        #expect((1...3).map { flat.delay(afterAttempt: $0) } == [.seconds(2), .seconds(2), .seconds(2)])
        let wild = RetryPolicy(maxAttempts: 3, initial: .seconds(2), multiplier: 2, maximum: .seconds(10), jitter: 7)
        var generator = SeededGenerator(state: 1)
        for _ in 0..<50 {
            let delay = wild.delay(afterAttempt: 2, using: &generator)
            #expect(delay != nil && delay! >= .zero && delay! <= .seconds(4))
        }
    }
}
