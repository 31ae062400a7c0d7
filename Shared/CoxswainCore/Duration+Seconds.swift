extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Duration {
    /// A duration from seconds that came from outside (a task's timeout, an option): NaN and
    /// negatives give zero, anything beyond 30 days gives 30 days. Never traps.
    public static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64(min(seconds, 2_592_000) * 1000))
    }
}
