/// `POST /v1/containers/{read,control,admin}`: one operation on the named nodes (every online
/// node of the team when `targets` is empty). Answered `202` with the job that carries it, like
/// `POST /v1/jobs`; the CLI waits for it and prints each node's answer.
public struct ContainerOperationRequest: Codable, Sendable, Equatable {
    public var operation: ContainerOperation
    public var targets: [String]?
    /// The task's timeout (default 60 s; `logs --follow` and `image-pull` longer).
    public var timeoutSeconds: Double?
    /// `image-pull`: the team registry (by name) the image comes from. The Gateway completes the
    /// image reference with the registry's host and path, checks that the tag exists, and hands
    /// the registry's credentials to the nodes sealed inside the signed task.
    public var registry: String?

    public init(operation: ContainerOperation, targets: [String]? = nil, timeoutSeconds: Double? = nil, registry: String? = nil) {
        self.operation = operation
        self.targets = targets
        self.timeoutSeconds = timeoutSeconds
        self.registry = registry
    }
}
