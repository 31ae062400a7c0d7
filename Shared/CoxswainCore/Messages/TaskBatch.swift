import Foundation

/// One message per node per submission: every task of that submission for that node, in order.
/// Sent by the Scheduler to the node's own queue.
public struct TaskBatch: Message {
    public static let messageType = "task.batch"

    public var jobID: JobID
    public var node: NodeName
    public var tasks: [TaskSpec]
    public var issuedAt: Date

    public init(jobID: JobID, node: NodeName, tasks: [TaskSpec], issuedAt: Date) {
        self.jobID = jobID
        self.node = node
        self.tasks = tasks
        self.issuedAt = issuedAt
    }
}

/// What a node must do for one task.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var taskID: TaskID
    public var verb: Verb
    public var arguments: String
    public var environment: [String: String]
    public var timeoutSeconds: Double

    public init(taskID: TaskID, verb: Verb, arguments: String, environment: [String: String] = [:], timeoutSeconds: Double) {
        self.taskID = taskID
        self.verb = verb
        self.arguments = arguments
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
    }
}
