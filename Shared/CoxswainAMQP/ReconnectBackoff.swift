/// Exponential back-off with jitter for reconnect attempts: the n-th delay is drawn from
/// `[d/2, d]` with `d = min(initial * 2^(n-1), max)`, so many clients reconnecting after a
/// broker restart do not all arrive at once.
struct ReconnectBackoff: Sendable {
    /// First delay.
    let initial: Duration
    /// Upper bound.
    let maximum: Duration
    /// Failed attempts since the last ``reset()``.
    private(set) var attempts = 0

    /// Creates a back-off from a configuration's `reconnectBackoffInitial` / `reconnectBackoffMax`.
    init(initial: Duration, maximum: Duration) {
        self.initial = max(initial, .milliseconds(1))
        self.maximum = max(maximum, self.initial)
    }

    /// Creates a back-off from a configuration.
    init(_ configuration: AMQPConfiguration) {
        self.init(initial: configuration.reconnectBackoffInitial, maximum: configuration.reconnectBackoffMax)
    }

    /// Records a failed attempt and returns how long to wait before the next one.
    mutating func next() -> Duration {
        attempts += 1
        var delay = initial
        for _ in 1..<min(attempts, 40) {
            delay *= 2
            if delay >= maximum { break }
        }
        delay = min(delay, maximum)
        return delay * Double.random(in: 0.5...1.0)
    }

    /// Forgets past failures (after a successful connect).
    mutating func reset() { attempts = 0 }
}
