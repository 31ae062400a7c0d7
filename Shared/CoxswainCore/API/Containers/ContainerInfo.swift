/// One container on a node, as `coxswain container list` shows it (the node's answer to `list`).
public struct ContainerInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var image: String
    /// `running`, `exited`, `created`, …
    public var state: String
    /// The engine's human status (`Up 3 minutes`, `Exited (3) 2 seconds ago`).
    public var status: String?
    /// Published ports, `127.0.0.1:18080->8080/tcp`.
    public var ports: [String]
    public var labels: [String: String]
    /// Seconds since 1970 when it was created.
    public var created: Int64?

    public init(id: String, name: String, image: String, state: String, status: String?, ports: [String], labels: [String: String], created: Int64?) {
        self.id = id
        self.name = name
        self.image = image
        self.state = state
        self.status = status
        self.ports = ports
        self.labels = labels
        self.created = created
    }
}
