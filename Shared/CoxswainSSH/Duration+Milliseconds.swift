extension Duration {
    /// The duration in whole milliseconds, rounded up (for `poll` timeouts and logs).
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
