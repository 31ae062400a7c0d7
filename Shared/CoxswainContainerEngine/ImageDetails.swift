/// One image as `GET /images/{name}/json` describes it (the fields Coxswain shows; encoded with
/// the API's field names, `ExposedPorts` as a sorted list).
package struct ImageDetails: Sendable, Equatable, Codable {
    /// Image ID (`sha256:…`).
    package let id: String
    /// Tags (`127.0.0.1:25500/demo/httpd:1`).
    package let repoTags: [String]
    /// Digests it is known under in registries.
    package let repoDigests: [String]
    /// Creation time as the engine writes it (RFC 3339).
    package let created: String?
    /// Size in bytes.
    package let size: Int64?
    /// CPU architecture (`amd64`).
    package let architecture: String?
    /// Operating system (`linux`).
    package let os: String?
    /// What a container of it runs by default.
    package let config: Config

    /// The image's default container configuration.
    package struct Config: Sendable, Equatable, Codable {
        package let cmd: [String]
        package let entrypoint: [String]
        /// `KEY=VALUE` entries (values may be secrets: show names only).
        package let env: [String]
        /// `8080/tcp`, sorted.
        package let exposedPorts: [String]
        package let labels: [String: String]
        package let workingDir: String?
        package let user: String?

        enum CodingKeys: String, CodingKey {
            case cmd = "Cmd", entrypoint = "Entrypoint", env = "Env", exposedPorts = "ExposedPorts", labels = "Labels", workingDir = "WorkingDir"
            case user = "User"
        }

        /// Empty values for an image without a configuration.
        init() {
            (cmd, entrypoint, env, exposedPorts, labels, workingDir, user) = ([], [], [], [], [:], nil, nil)
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            cmd = try c.decodeIfPresent([String].self, forKey: .cmd) ?? []
            entrypoint = try c.decodeIfPresent([String].self, forKey: .entrypoint) ?? []
            env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
            exposedPorts = try c.decodeIfPresent([String: EmptyObject].self, forKey: .exposedPorts)?.keys.sorted() ?? []
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            workingDir = try c.decodeIfPresent(String.self, forKey: .workingDir)
            user = try c.decodeIfPresent(String.self, forKey: .user)
        }
    }

    /// Any JSON object whose content is ignored (`ExposedPorts` values are `{}`).
    struct EmptyObject: Decodable {}

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests", created = "Created", size = "Size", architecture = "Architecture"
        case os = "Os", config = "Config"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        repoTags = try c.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        repoDigests = try c.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
        created = try c.decodeIfPresent(String.self, forKey: .created)
        size = try c.decodeIfPresent(Int64.self, forKey: .size)
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture)
        os = try c.decodeIfPresent(String.self, forKey: .os)
        config = try c.decodeIfPresent(Config.self, forKey: .config) ?? Config()
    }
}
