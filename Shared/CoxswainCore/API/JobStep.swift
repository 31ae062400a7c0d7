/// One job of an orchestration block: a verb, its argument string and its `vars:` (as JSON).
public struct JobStep: Codable, Sendable, Equatable {
    public var verb: String
    public var arguments: String
    /// The job's `vars:` as a JSON object (component options as YAML instead of inline flags).
    public var varsJSON: String?
    /// Run this step only on these nodes (the job's `assign:`).
    public var assign: [String]?
    public var name: String?
    /// `--run-once`: only the first target runs this step (set by the Gateway from the options).
    public var runOnce: Bool?
    /// `ADD`/`COPY`: the files, uploaded as artifacts before submission.
    public var artifacts: [ArtifactRef]?
    /// The fingerprint the CLI listed (`orchestrate --finger-print`), which JOB_WAIT matches.
    public var fingerprint: String?

    public init(verb: String, arguments: String, varsJSON: String? = nil, assign: [String]? = nil, name: String? = nil, runOnce: Bool? = nil) {
        self.runOnce = runOnce
        self.verb = verb
        self.arguments = arguments
        self.varsJSON = varsJSON
        self.assign = assign
        self.name = name
    }
}
