/// When to try a failed webhook delivery again, and when to give up.
///
/// Attempt `n + 1` waits `min(initial × multiplierⁿ⁻¹, maximum)` after attempt `n`, less a
/// random part of up to `jitter` of it (so deliveries that failed together, say while Slack was
/// down, do not all come back at once). With the defaults — 6 attempts, 1 s, ×4 — the waits
/// are about 1 s, 4 s, 16 s, 64 s and 256 s: a delivery is given up some 6 minutes after its
/// first attempt.
package struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; at least 1.
    package var maxAttempts: Int
    /// Wait after the first attempt.
    package var initial: Duration
    /// Factor between successive waits; at least 1.
    package var multiplier: Double
    /// Longest wait.
    package var maximum: Duration
    /// Fraction (0…1) of each wait that is random: the wait is drawn from
    /// `[d × (1 − jitter), d]`. 0 gives the exact schedule.
    package var jitter: Double

    /// Creates a policy; out-of-range values are clamped when used.
    package init(
        maxAttempts: Int = 6, initial: Duration = .seconds(1), multiplier: Double = 4, maximum: Duration = .seconds(3600),
        jitter: Double = 0.2
    ) {
        self.maxAttempts = maxAttempts
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The default policy: 6 attempts, 1 s, ×4, at most 1 h, 20 % jitter.
    package static let `default` = RetryPolicy()

    /// How long to wait after failed attempt `attempt` (1 for the first) before the next one,
    /// or `nil` when that was the last attempt allowed: give up.
    package func delay(afterAttempt attempt: Int) -> Duration? {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }

    /// ``delay(afterAttempt:)`` with the jitter drawn from `generator` (tests pass a seeded one).
    package func delay<Generator: RandomNumberGenerator>(afterAttempt attempt: Int, using generator: inout Generator) -> Duration? {
        guard let base = scheduledDelay(afterAttempt: attempt) else { return nil }
        let jitter = min(max(self.jitter, 0), 1)
        guard jitter > 0 else { return base }
        return base * (1 - jitter * Double.random(in: 0...1, using: &generator))
    }

    /// ``delay(afterAttempt:)``, but at least what the receiver asked for with `Retry-After`
    /// (``DeliveryOutcome/retryAfter``), capped at ``maximum``. Still `nil` after the last
    /// attempt: a receiver cannot extend the number of attempts.
    package func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration? {
        guard let delay = delay(afterAttempt: attempt) else { return nil }
        guard let retryAfter else { return delay }
        return max(delay, min(retryAfter, upperBound))
    }

    /// The wait before jitter, or `nil` to give up.
    package func scheduledDelay(afterAttempt attempt: Int) -> Duration? {
        guard attempt < max(maxAttempts, 1) else { return nil }
        let ceiling = upperBound
        let factor = max(multiplier, 1)
        var delay = max(initial, .zero)
        var step = 1
        while step < attempt && delay < ceiling {
            delay = delay * factor
            step += 1
        }
        return min(delay, ceiling)
    }

    private var upperBound: Duration { max(maximum, .zero) }
}
