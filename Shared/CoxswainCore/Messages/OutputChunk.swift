/// A piece of live output of a running task, published by the node as it arrives and streamed by
/// Gateways to `--stream` clients. Loss-tolerant: the full output is in the `TaskResult`.
public struct OutputChunk: Message {
    public static let messageType = "task.output"

    public enum Channel: String, Codable, Sendable { case stdout, stderr }

    public var jobID: JobID
    public var taskID: TaskID
    public var node: NodeName
    public var channel: Channel
    public var sequence: Int
    public var text: String

    public init(jobID: JobID, taskID: TaskID, node: NodeName, channel: Channel, sequence: Int, text: String) {
        self.jobID = jobID
        self.taskID = taskID
        self.node = node
        self.channel = channel
        self.sequence = sequence
        self.text = text
    }
}
