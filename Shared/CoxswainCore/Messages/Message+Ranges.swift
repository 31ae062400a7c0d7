import Foundation

/// Range checks for values that arrive from outside (a node's messages, request bodies): every
/// number and date is checked without trapping before it reaches arithmetic, a conversion or the
/// database. A value out of range is a reason to refuse the message, never a crash.
public enum ValueRange {
    /// Dates between 1970 and 9999 (PostgreSQL and every conversion handle these).
    public static let dates: ClosedRange<Double> = 0...253_402_300_799

    /// The problem with a date, or nil.
    public static func problem(date: Date, field: String) -> String? {
        let t = date.timeIntervalSince1970
        return t.isFinite && dates.contains(t) ? nil : "\(field) is out of range"
    }

    /// The problem with a number that must be finite and within `range`, or nil.
    public static func problem(_ value: Double, in range: ClosedRange<Double>, field: String) -> String? {
        value.isFinite && range.contains(value) ? nil : "\(field) must be a number between \(range.lowerBound) and \(range.upperBound)"
    }

    /// A date from seconds since 1970 when they are in range, else nil (never traps).
    public static func date(secondsSince1970 t: Double) -> Date? {
        t.isFinite && dates.contains(t) ? Date(timeIntervalSince1970: t) : nil
    }
}

extension NodeHeartbeat {
    /// Why the heartbeat's values cannot be recorded, or nil.
    public var rangeProblem: String? {
        ValueRange.problem(hostUptimeSeconds, in: 0...3_153_600_000, field: "hostUptimeSeconds")
            ?? ValueRange.problem(intervalSeconds, in: 0.01...86_400, field: "intervalSeconds")
            ?? ValueRange.problem(date: agentStartedAt, field: "agentStartedAt")
            ?? ValueRange.problem(date: sentAt, field: "sentAt")
            ?? (labels.count <= 256 && machineID.utf8.count <= 256 && version.utf8.count <= 256 ? nil : "too many labels or too long a field")
            ?? (engine?.isWithinBounds ?? true ? nil : "engine: too long a field")
    }
}

extension TaskResult {
    /// Why the result's values cannot be recorded, or nil.
    public var rangeProblem: String? {
        ValueRange.problem(date: startedAt, field: "startedAt") ?? ValueRange.problem(date: finishedAt, field: "finishedAt")
    }
}

extension TaskResult {
    /// The result with text PostgreSQL can store: a NUL character (binary output) becomes U+FFFD,
    /// rather than the database refusing the whole result.
    public var storable: TaskResult {
        func clean(_ s: String) -> String { s.contains("\u{0}") ? s.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : s }
        var r = self
        r.stdout = clean(stdout)
        r.stderr = clean(stderr)
        r.error = error.map(clean)
        r.queryValue = queryValue.map(clean)
        r.fingerprint = fingerprint.map(clean)
        return r
    }
}
