import Foundation

/// One job as listed by `GET /v1/jobs` and `coxswain manage --list-jobs`.
public struct JobSummary: Codable, Sendable, Equatable {
    public var id: JobID
    public var verb: String
    public var arguments: String
    public var targets: [String]
    public var status: JobStatus
    public var submittedBy: String
    public var error: String?
    public var createdAt: Date
    public var dispatchedAt: Date?
    public var finishedAt: Date?
    /// Names of the job's secret environment variables (never their values).
    public var secretNames: [String]?
    public var nodeCount: Int
    public var succeeded: Int
    public var failed: Int
    public var pending: Int
    /// The block's name (`orchestrate`), if it has one.
    public var name: String?
    /// How many distinct nodes the job has tasks on (`nodeCount` counts tasks: nodes × steps).
    public var nodes: Int?
    /// How many steps each node runs (1 for `exec`; an orchestration block's job count).
    public var steps: Int?
    /// How many of the `succeeded` tasks the node skipped because the job cache says they
    /// succeeded there before (nothing ran).
    public var cached: Int?
    /// How many of the `failed` tasks never ran: skipped after an earlier step failed on the node,
    /// or not started by `--fail-fast` (their error starts with `skipped:`).
    public var skipped: Int?
    /// The `orchestrate` run the job is a block of (the parent id it printed), lowercase.
    public var parent: String?

    public init(
        id: JobID, verb: String, arguments: String, targets: [String], status: JobStatus, submittedBy: String,
        error: String?, createdAt: Date, dispatchedAt: Date?, finishedAt: Date?, nodeCount: Int, succeeded: Int,
        failed: Int, pending: Int, secretNames: [String]? = nil
    ) {
        self.secretNames = secretNames
        self.id = id
        self.verb = verb
        self.arguments = arguments
        self.targets = targets
        self.status = status
        self.submittedBy = submittedBy
        self.error = error
        self.createdAt = createdAt
        self.dispatchedAt = dispatchedAt
        self.finishedAt = finishedAt
        self.nodeCount = nodeCount
        self.succeeded = succeeded
        self.failed = failed
        self.pending = pending
    }
}

/// `GET /v1/jobs/{id}`: the job and every node's task.
public struct JobDetail: Codable, Sendable, Equatable {
    public var job: JobSummary
    public var tasks: [TaskDetail]
    public init(job: JobSummary, tasks: [TaskDetail]) {
        self.job = job
        self.tasks = tasks
    }
}

/// One node's share of a job, with its outcome and timings.
public struct TaskDetail: Codable, Sendable, Equatable {
    public var id: TaskID
    public var node: String
    public var status: TaskStatus
    public var exitCode: Int32?
    public var stdout: String
    public var stderr: String
    public var error: String?
    public var createdAt: Date
    public var dispatchedAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var resultReceivedAt: Date?
    /// The job's fingerprint on the node, and whether it was skipped as cached.
    public var fingerprint: String?
    public var cached: Bool?
    /// The step this task runs on its node (0-based; an orchestration block has one per job).
    public var step: Int?
    /// The step's verb (nil for tasks recorded before steps had their own verb).
    public var verb: String?

    public init(
        id: TaskID, node: String, status: TaskStatus, exitCode: Int32?, stdout: String, stderr: String, error: String?,
        createdAt: Date, dispatchedAt: Date?, startedAt: Date?, finishedAt: Date?, resultReceivedAt: Date?
    ) {
        self.id = id
        self.node = node
        self.status = status
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error
        self.createdAt = createdAt
        self.dispatchedAt = dispatchedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.resultReceivedAt = resultReceivedAt
    }
}
