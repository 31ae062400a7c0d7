/// Where a deployment's containers run: a node and a prefix. Success, obsolescence, uniqueness and
/// protection are all decided per target.
public struct DeploymentTarget: Hashable, Codable, Sendable, CustomStringConvertible {
    public var node: NodeName
    public var prefix: DeploymentPrefix

    public init(node: NodeName, prefix: DeploymentPrefix) {
        self.node = node
        self.prefix = prefix
    }

    /// `node/prefix`.
    public var description: String { "\(node)/\(prefix)" }
}
