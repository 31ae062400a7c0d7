/// One pod as `GET /libpod/pods/json` lists it.
package struct PodSummary: Sendable, Equatable, Decodable {
    /// Pod ID.
    package let id: String
    /// Pod name.
    package let name: String
    /// `Running`, `Exited`, `Created`, `Degraded`…
    package let status: String
    /// Labels.
    package let labels: [String: String]
    /// Its containers (the infra container included): ID, name and status.
    package let containers: [Container]

    /// One container of a listed pod.
    package struct Container: Sendable, Equatable, Decodable {
        package let id: String
        package let name: String
        package let status: String

        enum CodingKeys: String, CodingKey { case id = "Id", name = "Names", status = "Status" }
    }

    enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", status = "Status", labels = "Labels", containers = "Containers" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        containers = try c.decodeIfPresent([Container].self, forKey: .containers) ?? []
    }
}
