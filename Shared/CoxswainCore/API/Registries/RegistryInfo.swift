import Foundation

/// A team's registry as the API shows it: never the password, only whether one is stored.
public struct RegistryInfo: Codable, Sendable, Equatable {
    public var id: String
    /// Unique in the team; what `--registry NAME` and images refer to.
    public var name: String
    public var kind: RegistryKind
    /// `host[:port][/sub/path]`, no scheme; nil for a `local` unchecked registry (images already on the node).
    public var url: String?
    /// User, organisation, group or project the registry is browsed in (hub, github, gitlab, google).
    public var namespace: String?
    /// GitLab's API root for a self-managed instance (`https://gitlab.example.com`); nil for gitlab.com.
    public var apiURL: String?
    /// Plain HTTP instead of HTTPS (a registry on loopback or a lab network).
    public var plainHTTP: Bool
    public var username: String?
    /// Whether a password or token is stored (sealed at rest; never returned).
    public var hasPassword: Bool
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, kind: RegistryKind, url: String?, namespace: String?, apiURL: String?, plainHTTP: Bool, username: String?,
        hasPassword: Bool, description: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.url = url
        self.namespace = namespace
        self.apiURL = apiURL
        self.plainHTTP = plainHTTP
        self.username = username
        self.hasPassword = hasPassword
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The host part of `url` (`host[:port]`), or the kind's default host.
    public var host: String? {
        guard let url, !url.isEmpty else { return kind.defaultHost }
        return String(url.prefix { $0 != "/" })
    }

    /// The sub-path of `url` after the host (`team/apps` in `registry.example.com/team/apps`), or nil.
    public var pathPrefix: String? {
        guard let url, let slash = url.firstIndex(of: "/") else { return nil }
        let path = url[url.index(after: slash)...].trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return path.isEmpty ? nil : path
    }

    /// Whether images of this registry are already on the node and never pulled.
    public var isLocal: Bool { kind == .unchecked && (url ?? "").isEmpty }
}
