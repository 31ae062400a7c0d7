import Foundation

/// What `/health/ready` checks: named conditions, each nil when met or a reason when not
/// (e.g. `broker` → "not connected: publisher", `database` → "degraded: database unreachable
/// since …", `migrations` → "not applied yet"). Reasons are safe to show: never secrets or SQL.
package struct Readiness: Sendable {
    package let checks: [ReadinessCheck]

    package init(_ checks: [ReadinessCheck]) {
        self.checks = checks
    }

    /// Every check, in order; the report is ready when none gave a reason.
    package func evaluate() async -> ReadinessReport {
        var problems: [(check: String, reason: String)] = []
        for check in checks {
            if let reason = await check.problem() { problems.append((check.name, reason)) }
        }
        return ReadinessReport(problems: problems)
    }
}

/// The outcome of ``Readiness/evaluate()``.
package struct ReadinessReport: Sendable {
    /// Failed checks by name, in check order.
    package let problems: [(check: String, reason: String)]

    package var isReady: Bool { problems.isEmpty }

    /// `{"status":"ready"}` or `{"reasons":{"broker":"not connected: consumer",…},"status":"not ready"}`.
    package var json: String {
        guard !isReady else { return #"{"status":"ready"}"# }
        let reasons = Dictionary(problems.map { ($0.check, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let object: [String: Any] = ["status": "not ready", "reasons": reasons]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"status":"not ready"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}
