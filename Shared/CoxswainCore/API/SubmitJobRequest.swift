import Foundation

/// `POST /v1/jobs`: run one verb on some nodes.
public struct SubmitJobRequest: Codable, Sendable, Equatable {
    /// `RUN`, `ECHO`, … (case-insensitive).
    public var verb: String
    /// The verb's argument string (the command for RUN).
    public var arguments: String
    /// Node names, globs (`web-*`, `web-[12]`) and comma lists of them (`a,b,web-*`); empty or
    /// absent means every online node (unless a selector narrows them). Every exact name must be
    /// one of the team's nodes and every glob must match one.
    public var targets: [String]?
    /// Seconds before the task is killed on the node (default 600).
    public var timeoutSeconds: Double?
    /// Secret environment variables for the task: encrypted at rest, sealed to each node's own key at
    /// dispatch, never shown again (only their names) nor logged.
    public var secretEnvironment: [String: String]?
    /// Node labels every target must have (`role=web`): resolved to the team's matching nodes at
    /// submission, together with `targets` (both must hold).
    public var targetLabels: [String: String]?
    /// Label selectors (`role=web,dc in (eu1,eu2)`, `!canary`; see `LabelSelector`): a node is
    /// reached when it satisfies any one of them (OR), and `targets` and `targetLabels` too.
    public var targetLabelSelectors: [String]?
    /// Fact selectors over the nodes' known args, same grammar (`os=debian`, `facter.os.family in
    /// (Debian,RedHat)`): any one of them must hold (OR), with the other criteria.
    public var targetFacts: [String]?
    /// An orchestration block: these steps run in order on each node (a failure skips the rest of
    /// the block on that node). When set, `verb`/`arguments` describe the first step.
    public var steps: [JobStep]?
    /// Plan this job only after that job (of the same team) has finished: blocks in order.
    public var after: JobID?
    /// A name shown in listings (the block's name).
    public var name: String?
    /// Batch mode: at most this many nodes (`10`) or this share of them (`25%`) run at a time, sliding.
    public var batch: String?
    /// Batch mode: once a task of the job failed, no further node is started; the held ones end
    /// failed as `skipped` with the reason.
    public var batchFailFast: Bool?
    /// Batch mode: seconds a finished node's slot stays empty before the next node starts (0–3600).
    public var batchWaitSeconds: Double?
    /// Groups the jobs of one `orchestrate` run (`manage --analyze-parent ID`).
    public var parent: UUID?

    /// The window for `nodes` planned nodes, or nil when `batch` is not a count or a percentage (1–100).
    public static func batchWindow(_ batch: String, nodes: Int) -> Int? {
        if batch.hasSuffix("%") {
            guard let p = Double(batch.dropLast()), p > 0, p <= 100 else { return nil }
            return max(1, Int((Double(nodes) * p / 100).rounded(.up)))
        }
        guard let n = Int(batch), n > 0 else { return nil }
        return n
    }

    public init(verb: String, arguments: String, targets: [String]? = nil, timeoutSeconds: Double? = nil, secretEnvironment: [String: String]? = nil) {
        self.verb = verb
        self.arguments = arguments
        self.targets = targets
        self.timeoutSeconds = timeoutSeconds
        self.secretEnvironment = secretEnvironment
    }

    /// A valid environment variable name.
    public static func isEnvironmentName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 128 else { return false }
        func ok(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" }
        return ok(first) && !("0"..."9").contains(first) && s.unicodeScalars.allSatisfy(ok)
    }

    public static let defaultTimeoutSeconds: Double = 600
    public static let maximumTimeoutSeconds: Double = 7 * 24 * 3600
    public static let maximumArgumentBytes = 128 * 1024
    /// The longest pause between batches, in seconds.
    public static let maximumBatchWaitSeconds: Double = 3600

    /// The targeting fields parsed (errors name the field and entry).
    public func targetSelector() throws(TargetSelector.FieldError) -> TargetSelector {
        try TargetSelector(targets: targets ?? [], labels: targetLabels ?? [:], labelSelectors: targetLabelSelectors ?? [], factSelectors: targetFacts ?? [])
    }
}

/// `202 Accepted` answer to a submission.
public struct SubmitJobResponse: Codable, Sendable, Equatable {
    public var jobID: JobID
    public var status: JobStatus
    public init(jobID: JobID, status: JobStatus) {
        self.jobID = jobID
        self.status = status
    }
}
