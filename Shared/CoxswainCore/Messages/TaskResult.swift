import Foundation

/// The outcome of one task, published by the node under its own routing-key prefix and ingested
/// (in batches, idempotently) by a Scheduler.
public struct TaskResult: Message {
    public static let messageType = "task.result"

    public var jobID: JobID
    public var taskID: TaskID
    public var node: NodeName
    public var status: TaskStatus
    public var exitCode: Int32?
    public var stdout: String
    public var stderr: String
    /// Why the task did not succeed, in words for the operator (nil on success).
    public var error: String?
    public var startedAt: Date
    public var finishedAt: Date
    /// Set only by a successful `REKEY`: the node's new public keys (base64). The result itself is
    /// still signed with the old key; later results with the new one.
    public var rotatedSigningKey: String?
    /// The job's fingerprint on the node (verb, options, rendered inputs).
    public var fingerprint: String?
    /// Skipped: it succeeded on this node before with the same fingerprint.
    public var cached: Bool?
    public var rotatedSealingKey: String?
    /// `QUERY KEY`: the node's value of KEY as JSON (`null` when it has none).
    public var queryValue: String?

    public init(
        jobID: JobID, taskID: TaskID, node: NodeName, status: TaskStatus, exitCode: Int32?,
        stdout: String, stderr: String, error: String?, startedAt: Date, finishedAt: Date
    ) {
        self.jobID = jobID
        self.taskID = taskID
        self.node = node
        self.status = status
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
