/// A node as targeting sees it: its name, whether it takes work now, its labels and (when a
/// selector asks for them) its known facts, each key with its value or values.
public struct TargetCandidate: Sendable, Equatable {
    public var name: String
    /// Online or rebooting: the nodes a job without targets runs on.
    public var online: Bool
    public var labels: [String: String]
    /// Known facts by dotted key (`facter.os.family`); a list-valued fact has several values and a
    /// mapping's key is present with no values.
    public var facts: [String: [String]]

    /// A candidate node.
    public init(name: String, online: Bool, labels: [String: String] = [:], facts: [String: [String]] = [:]) {
        self.name = name
        self.online = online
        self.labels = labels
        self.facts = facts
    }
}
