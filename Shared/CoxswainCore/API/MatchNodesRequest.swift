import Foundation

/// `POST /v1/nodes/match`: which of the team's nodes a job with these targeting fields would
/// reach (the same fields and the same resolver as `POST /v1/jobs`); nothing is submitted.
public struct MatchNodesRequest: Codable, Sendable, Equatable {
    /// Node names, globs and comma lists, as `SubmitJobRequest.targets`.
    public var targets: [String]?
    /// An exact label map (AND), as `SubmitJobRequest.targetLabels`.
    public var targetLabels: [String: String]?
    /// Label selectors (OR), as `SubmitJobRequest.targetLabelSelectors`.
    public var targetLabelSelectors: [String]?
    /// Fact selectors (OR), as `SubmitJobRequest.targetFacts`.
    public var targetFacts: [String]?

    /// A preview request with these targeting fields.
    public init(targets: [String]? = nil, targetLabels: [String: String]? = nil, targetLabelSelectors: [String]? = nil, targetFacts: [String]? = nil) {
        self.targets = targets
        self.targetLabels = targetLabels
        self.targetLabelSelectors = targetLabelSelectors
        self.targetFacts = targetFacts
    }

    /// The preview of a submission's targeting.
    public init(_ job: SubmitJobRequest) {
        self.init(targets: job.targets, targetLabels: job.targetLabels, targetLabelSelectors: job.targetLabelSelectors, targetFacts: job.targetFacts)
    }

    /// The targeting fields parsed (errors name the field and entry).
    public func targetSelector() throws(TargetSelector.FieldError) -> TargetSelector {
        try TargetSelector(targets: targets ?? [], labels: targetLabels ?? [:], labelSelectors: targetLabelSelectors ?? [], factSelectors: targetFacts ?? [])
    }
}

/// The answer to `POST /v1/nodes/match`.
public struct MatchNodesResponse: Codable, Sendable, Equatable {
    /// The nodes reached, by name (offline ones too when named or selected: their tasks fail).
    public var nodes: [NodeInfo]
    /// True when nothing narrows the nodes: a job reaches the nodes online when it is planned.
    public var everyOnlineNode: Bool

    /// A preview answer.
    public init(nodes: [NodeInfo], everyOnlineNode: Bool) {
        self.nodes = nodes
        self.everyOnlineNode = everyOnlineNode
    }
}
