import Synchronization

/// Token buckets per key (a client address, a user name): each key may spend `perMinute`
/// attempts at once and earns them back evenly over a minute. Memory is bounded: beyond
/// `maximumKeys` the full buckets (keys not seen for a minute) are dropped, then the oldest.
final class RateLimiter: Sendable {
    let perMinute: Int
    let maximumKeys: Int
    /// Monotonic seconds (injected so tests need no sleeping).
    private let now: @Sendable () -> Double
    private let buckets = Mutex([String: Bucket]())

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    init(perMinute: Int, maximumKeys: Int = 100_000, now: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        precondition(perMinute > 0 && maximumKeys > 0)
        self.perMinute = perMinute
        self.maximumKeys = maximumKeys
        self.now = now
    }

    /// Seconds of `ContinuousClock` since the first call.
    static let monotonicSeconds: @Sendable () -> Double = {
        let start = ContinuousClock.now
        return { (ContinuousClock.now - start) / .seconds(1) }
    }()

    private var refillPerSecond: Double { Double(perMinute) / 60 }

    /// Spends one attempt from every key's bucket, or — when one of them is empty — none, and
    /// returns the whole seconds until an attempt is possible again (for `Retry-After`).
    func take(_ keys: [String]) -> Int? {
        let t = now()
        return buckets.withLock { buckets -> Int? in
            var refilled: [String: Bucket] = [:]
            var wait = 0.0
            for key in keys {
                var bucket = buckets[key] ?? Bucket(tokens: Double(perMinute), updated: t)
                bucket.tokens = min(Double(perMinute), bucket.tokens + max(0, t - bucket.updated) * refillPerSecond)
                bucket.updated = t
                if bucket.tokens < 1 { wait = max(wait, (1 - bucket.tokens) / refillPerSecond) }
                refilled[key] = bucket
            }
            if wait > 0 {
                for (key, bucket) in refilled where buckets[key] != nil { buckets[key] = bucket }
                return max(1, Int(wait.rounded(.up)))
            }
            for (key, var bucket) in refilled {
                bucket.tokens -= 1
                buckets[key] = bucket
            }
            if buckets.count > maximumKeys { Self.prune(&buckets, at: t, capacity: Double(perMinute), rate: refillPerSecond, keep: maximumKeys) }
            return nil
        }
    }

    private static func prune(_ buckets: inout [String: Bucket], at t: Double, capacity: Double, rate: Double, keep: Int) {
        buckets = buckets.filter { $0.value.tokens + (t - $0.value.updated) * rate < capacity }
        if buckets.count > keep {
            let newest = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(keep / 2)
            buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
        }
    }

    /// Keys tracked now (for tests).
    var count: Int { buckets.withLock { $0.count } }
}
