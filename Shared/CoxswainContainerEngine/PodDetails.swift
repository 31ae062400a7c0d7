/// One pod as `GET /libpod/pods/{name}/json` describes it (the fields Coxswain shows).
package struct PodDetails: Sendable, Equatable, Codable {
    /// Pod ID.
    package let id: String
    /// Pod name.
    package let name: String
    /// `Running`, `Exited`, `Created`, `Degraded`, `Stopped`…
    package let state: String
    /// Creation time as the engine writes it (RFC 3339).
    package let created: String?
    package let hostname: String?
    package let labels: [String: String]
    /// The infra container holding the pod's namespaces, if it has one.
    package let infraContainerID: String?
    /// Namespaces its containers share (`ipc`, `net`, `uts`).
    package let sharedNamespaces: [String]
    /// Its containers (the infra container included).
    package let containers: [Container]

    /// One container of the pod.
    package struct Container: Sendable, Equatable, Codable {
        package let id: String
        package let name: String
        /// `running`, `exited`, `created`…
        package let state: String

        enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", state = "State" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", state = "State", created = "Created", hostname = "Hostname", labels = "Labels"
        case infraContainerID = "InfraContainerID", sharedNamespaces = "SharedNamespaces", containers = "Containers"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
        created = try c.decodeIfPresent(String.self, forKey: .created)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        infraContainerID = try c.decodeIfPresent(String.self, forKey: .infraContainerID)
        sharedNamespaces = try c.decodeIfPresent([String].self, forKey: .sharedNamespaces) ?? []
        containers = try c.decodeIfPresent([Container].self, forKey: .containers) ?? []
    }
}
