import CoxswainCore
import CoxswainCrypto
import Foundation

/// A job's content as the Gateway accepted it, sealed with a MAC under the master key (which the
/// database does not hold): a row written into `jobs` or `tasks` by someone with database access
/// but not the key is refused by the Scheduler instead of being signed and run as root.
package struct JobSeal: Codable, Sendable, Equatable {
    package var id: String
    package var team: String
    package var verb: String
    package var arguments: String
    package var targets: [String]
    package var timeoutSeconds: Double
    /// The `steps` column exactly as stored.
    package var steps: String?
    package var after: String?
    package var batch: String?
    /// `--fail-fast` and `--batch-wait` (`failFast=…;wait=…`); nil when neither is set, so that the
    /// MACs of jobs sealed before these existed still verify (a nil field is not encoded).
    package var batchPolicy: String?
    package var submittedBy: String
    /// SHA-256 (hex) of the sealed secret environment, if any.
    package var secrets: String?

    static let context = "job-v1"

    package init(
        id: JobID, team: TeamID, verb: String, arguments: String, targets: [String], timeoutSeconds: Double, steps: String?, after: JobID?,
        batch: String?, batchFailFast: Bool = false, batchWaitSeconds: Double? = nil, submittedBy: String, sealedSecrets: [UInt8]?
    ) {
        self.id = id.rawValue.uuidString.lowercased()
        self.team = team.rawValue.lowercased()
        self.verb = verb
        self.arguments = arguments
        self.targets = targets
        self.timeoutSeconds = timeoutSeconds
        self.steps = steps
        self.after = after.map { $0.rawValue.uuidString.lowercased() }
        self.batch = batch
        let wait = batchWaitSeconds ?? 0
        self.batchPolicy = batchFailFast || wait != 0 ? "failFast=\(batchFailFast);wait=\(wait)" : nil
        self.submittedBy = submittedBy
        self.secrets = sealedSecrets.map(Digest.sha256Hex)
    }

    /// The MAC (base64) the Gateway stores with the job.
    package func mac(_ key: SecretBox) throws -> String {
        Data(key.mac(try WireCoding.encode(self), context: Self.context)).base64EncodedString()
    }

    /// Whether `mac` seals exactly this content.
    package func verify(_ mac: String?, key: SecretBox) -> Bool {
        guard let mac, let tag = Data(base64Encoded: mac), let bytes = try? WireCoding.encode(self) else { return false }
        return key.verifyMAC(Array(tag), for: bytes, context: Self.context)
    }

    /// The (verb, arguments, vars) a task of this job may carry: the job's own, or one of its steps'.
    package var allowedWork: Set<String> {
        guard let steps, let parsed = try? JSONDecoder().decode([JobStep].self, from: Data(steps.utf8)) else {
            return [Self.work(verb: verb, arguments: arguments, vars: nil)]
        }
        var work = Set<String>()
        for step in parsed {
            let verb = Verb(parsing: step.verb)?.rawValue ?? step.verb.uppercased()
            work.insert(Self.work(verb: verb, arguments: step.arguments, vars: step.varsJSON))
            // A step without arguments is stored with none, and read back with the job's.
            if step.arguments.isEmpty { work.insert(Self.work(verb: verb, arguments: arguments, vars: step.varsJSON)) }
        }
        return work
    }

    package static func work(verb: String, arguments: String, vars: String?) -> String {
        "\(verb)\u{0}\(arguments)\u{0}\(vars ?? "")"
    }
}
