/// `POST /v1/containers/{read,control,admin}`: one operation on the named nodes (every online
/// node of the team when `targets` is empty). Answered `202` with the job that carries it, like
/// `POST /v1/jobs`; the CLI waits for it and prints each node's answer.
public struct ContainerOperationRequest: Codable, Sendable, Equatable {
    public var operation: ContainerOperation
    public var targets: [String]?
    /// The task's timeout (default 60 s; `logs --follow` and `image-pull` longer).
    public var timeoutSeconds: Double?

    public init(operation: ContainerOperation, targets: [String]? = nil, timeoutSeconds: Double? = nil) {
        self.operation = operation
        self.targets = targets
        self.timeoutSeconds = timeoutSeconds
    }
}
