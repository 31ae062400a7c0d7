import CoxswainCatalog
import CoxswainCore
import Foundation

/// A request body whose numbers are range-checked before anything uses them: a value out of
/// range (1e300, -2^63, a negative duration) is a 400 naming the field, never a trapping
/// conversion, a date PostgreSQL cannot store, or a 500. `RequestBody.decode(_:from:limit:)` asks
/// every decoded body that conforms.
protocol RangeChecked {
    /// Why a number of the request is out of range (naming the field), or nil.
    var rangeProblem: RangeProblem? { get }
}

/// A number out of range: the kind of the 400 and the reason, which names the field.
struct RangeProblem: Equatable, CustomStringConvertible {
    var kind: HTTPResponseError.Kind = .outOfRange
    var reason: String
    /// The answer's error code (`out_of_range`, or the code clients already know for the field).
    var code: String { kind.code }
    var description: String { reason }
}

/// The accepted ranges of request numbers, in one place.
enum RequestRange {
    /// API token lifetimes: a minute to a year.
    static let tokenLifetime: ClosedRange<Double> = 60...(365 * 86_400)
    /// Invitation lifetimes: a minute to 30 days.
    static let invitationLifetime: ClosedRange<Double> = 60...(30 * 86_400)
    /// Node enrolment token lifetimes: a minute to 30 days.
    static let enrolmentLifetime: ClosedRange<Double> = 60...(30 * 86_400)
    /// Job timeouts: more than zero, at most `SubmitJobRequest.maximumTimeoutSeconds`.
    static let jobTimeout: ClosedRange<Double> = 0.001...SubmitJobRequest.maximumTimeoutSeconds
    /// File permission bits (what `chmod` accepts; the agent traps on more).
    static let fileMode: ClosedRange<Int> = 0...0o7777
    /// Artifact sizes: at most the largest `gateway.max_artifact_bytes`.
    static let artifactSize: ClosedRange<Int64> = 0...(16 << 30)
    /// Bootstrap threads and SSH ports.
    static let threads: ClosedRange<Int> = 1...256
    static let port: ClosedRange<Int> = 1...65_535

    /// The problem with an optional number that must be finite and within `range`, or nil.
    static func problem(_ value: Double?, in range: ClosedRange<Double>, field: String) -> String? {
        guard let value else { return nil }
        return value.isFinite && range.contains(value) ? nil : "\(field) must be a number from \(format(range.lowerBound)) to \(format(range.upperBound))"
    }

    /// The problem with an optional whole number that must be within `range`, or nil.
    static func problem<T: BinaryInteger>(_ value: T?, in range: ClosedRange<T>, field: String) -> String? {
        guard let value else { return nil }
        return range.contains(value) ? nil : "\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)"
    }

    /// The problem with a date that PostgreSQL and every conversion handle (years 1970…9999), or nil.
    static func problem(date: Date, field: String) -> String? {
        ValueRange.problem(date: date, field: field).map { _ in "\(field) must be a time between 1970 and 9999" }
    }

    /// A bound without a pointless ".0".
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension AddNodeRequest: RangeChecked {
    var rangeProblem: RangeProblem? {
        RequestRange.problem(expiresInSeconds, in: RequestRange.enrolmentLifetime, field: "expiresInSeconds").map { RangeProblem(reason: $0) }
    }
}

extension InviteRequest: RangeChecked {
    var rangeProblem: RangeProblem? {
        RequestRange.problem(expiresInSeconds, in: RequestRange.invitationLifetime, field: "expiresInSeconds").map { RangeProblem(reason: $0) }
    }
}

extension CreateTokenRequest: RangeChecked {
    var rangeProblem: RangeProblem? {
        RequestRange.problem(expiresInSeconds, in: RequestRange.tokenLifetime, field: "expiresInSeconds").map { RangeProblem(reason: $0) }
    }
}

extension SubmitJobRequest: RangeChecked {
    var rangeProblem: RangeProblem? {
        if let problem = RequestRange.problem(timeoutSeconds, in: RequestRange.jobTimeout, field: "timeoutSeconds") {
            return RangeProblem(kind: .invalidTimeout, reason: problem)
        }
        for (i, step) in (steps ?? []).enumerated() {
            for (j, file) in (step.artifacts ?? []).enumerated() {
                let field = "steps[\(i)].artifacts[\(j)]"
                if let problem = RequestRange.problem(file.mode, in: RequestRange.fileMode, field: field + ".mode")
                    ?? RequestRange.problem(file.size, in: RequestRange.artifactSize, field: field + ".size")
                {
                    return RangeProblem(reason: problem)
                }
            }
        }
        return nil
    }
}

extension BootstrapRunRequest: RangeChecked {
    var rangeProblem: RangeProblem? {
        if let problem = RequestRange.problem(threads, in: RequestRange.threads, field: "threads") {
            return RangeProblem(kind: .invalidThreads, reason: problem)
        }
        for (i, host) in plan.hosts.enumerated() {
            let field = "plan.hosts[\(i)]"
            if let problem = RequestRange.problem(host.port, in: RequestRange.port, field: field + ".port") {
                return RangeProblem(kind: .invalidHost, reason: problem)
            }
            for (j, step) in host.steps.enumerated() {
                guard case .upload(let source, _, let mode) = step.action else { continue }
                if let problem = RequestRange.problem(mode, in: 0...UInt32(RequestRange.fileMode.upperBound), field: "\(field).steps[\(j)].mode") {
                    return RangeProblem(reason: problem)
                }
                if case .artifact(_, let size) = source,
                    let problem = RequestRange.problem(size, in: RequestRange.artifactSize, field: "\(field).steps[\(j)].size")
                {
                    return RangeProblem(reason: problem)
                }
            }
        }
        return nil
    }
}
