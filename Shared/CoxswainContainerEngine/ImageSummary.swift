/// One image as `GET /images/json` lists it.
package struct ImageSummary: Sendable, Equatable, Decodable {
    /// Image ID (`sha256:…`).
    package let id: String
    /// Tags (`127.0.0.1:25500/demo/httpd:1`).
    package let repoTags: [String]
    /// Digests it is known under in registries.
    package let repoDigests: [String]
    /// Creation time, seconds since 1970.
    package let created: Int64?
    /// Size in bytes.
    package let size: Int64?
    /// Labels.
    package let labels: [String: String]

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests", created = "Created", size = "Size", labels = "Labels"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        repoTags = try c.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        repoDigests = try c.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
        created = try c.decodeIfPresent(Int64.self, forKey: .created)
        size = try c.decodeIfPresent(Int64.self, forKey: .size)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
