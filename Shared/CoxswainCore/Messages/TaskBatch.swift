import Foundation

/// One message per node per submission: every task of that submission for that node, in order.
/// Sent by the Scheduler to the node's own queue.
public struct TaskBatch: Message {
    public static let messageType = "task.batch"

    public var jobID: JobID
    public var node: NodeName
    public var tasks: [TaskSpec]
    public var issuedAt: Date
    /// After this the agent refuses the batch (a replay of an old capture).
    public var expiresAt: Date
    /// Unique per dispatch: an agent refuses a nonce it already processed.
    public var nonce: String
    /// QUERY results for the node to merge into its `query` arg before it runs the tasks: a JSON
    /// object `{node: {KEY: value}}`. A batch may carry only this (no tasks).
    public var queryJSON: String?
    /// Reconciliation: run nothing, report the stored result of each task (a result the Scheduler
    /// never recorded), or say the task never reached the node.
    public var reportOnly: Bool?

    public init(jobID: JobID, node: NodeName, tasks: [TaskSpec], issuedAt: Date, expiresAt: Date, nonce: String) {
        self.jobID = jobID
        self.node = node
        self.tasks = tasks
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.nonce = nonce
    }
}

/// What a node must do for one task.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var taskID: TaskID
    public var verb: Verb
    public var arguments: String
    public var environment: [String: String]
    public var timeoutSeconds: Double
    /// Base64 of a JSON `[String: String]` sealed to the node's X25519 key: secret environment
    /// variables only that node's agent can open.
    public var sealedEnvironment: String?
    /// The job's `vars:` (JSON object), parsed by the node with the verb's options.
    public var varsJSON: String?
    /// `ADD`/`COPY`: the files to fetch from the Gateway (verified by digest).
    public var artifacts: [ArtifactRef]?

    public init(taskID: TaskID, verb: Verb, arguments: String, environment: [String: String] = [:], timeoutSeconds: Double) {
        self.taskID = taskID
        self.verb = verb
        self.arguments = arguments
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
    }
}
