import Foundation

/// `coxswain registry check`: whether the registry answered and accepted the credentials.
public struct RegistryCheckResult: Codable, Sendable, Equatable {
    public var ok: Bool
    /// One sentence: what was verified, or what failed (`401 unauthorized: …`, `429 rate limited, retry after 30 s`).
    public var message: String
    /// `basic`, `bearer` or `none`: how the registry asked to be authenticated.
    public var authScheme: String?
    /// Milliseconds the check took.
    public var milliseconds: Int?

    public init(ok: Bool, message: String, authScheme: String? = nil, milliseconds: Int? = nil) {
        self.ok = ok
        self.message = message
        self.authScheme = authScheme
        self.milliseconds = milliseconds
    }
}

/// `coxswain registry browse NAME`: the repositories (paginated by the registry, bounded by the client).
public struct RegistryRepositoryList: Codable, Sendable, Equatable {
    public var repositories: [String]
    /// True when the listing stopped at the limit or the time bound before the registry's last page.
    public var truncated: Bool

    public init(repositories: [String], truncated: Bool) {
        self.repositories = repositories
        self.truncated = truncated
    }
}

/// `coxswain registry browse NAME REPOSITORY`: its tags.
public struct RegistryTagList: Codable, Sendable, Equatable {
    public var repository: String
    public var tags: [String]
    public var truncated: Bool

    public init(repository: String, tags: [String], truncated: Bool) {
        self.repository = repository
        self.tags = tags
        self.truncated = truncated
    }
}

/// `coxswain registry browse NAME REPOSITORY:TAG`: what the manifest and config blob say about a tag.
public struct RegistryTagDetails: Codable, Sendable, Equatable {
    public var repository: String
    public var tag: String
    /// The manifest's digest (`sha256:…`, from `Docker-Content-Digest` or computed).
    public var digest: String?
    /// The manifest's media type (Docker v2 schema 2, OCI manifest, manifest list or OCI index).
    public var mediaType: String?
    /// When the image was built (the config blob's `created`).
    public var created: Date?
    /// The image's labels (the config blob's `config.Labels`, OCI annotations included).
    public var labels: [String: String]
    /// `os/architecture[/variant]` of each image in a manifest list or index; one entry otherwise.
    public var platforms: [String]
    /// Total size in bytes of the config and layers (of the first platform for a list).
    public var size: Int64?

    public init(
        repository: String, tag: String, digest: String?, mediaType: String?, created: Date?, labels: [String: String], platforms: [String],
        size: Int64?
    ) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.mediaType = mediaType
        self.created = created
        self.labels = labels
        self.platforms = platforms
        self.size = size
    }
}
