/// One network as `GET /networks` lists it.
package struct NetworkSummary: Sendable, Equatable, Decodable {
    /// Network name (`bridge`, `podman`, a user network).
    package let name: String
    /// Network ID.
    package let id: String
    /// Driver (`bridge`, `host`, `null`, `macvlan`…).
    package let driver: String?
    /// `local` or `swarm`.
    package let scope: String?
    /// Labels.
    package let labels: [String: String]

    enum CodingKeys: String, CodingKey { case name = "Name", id = "Id", driver = "Driver", scope = "Scope", labels = "Labels" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? name
        driver = try c.decodeIfPresent(String.self, forKey: .driver)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
