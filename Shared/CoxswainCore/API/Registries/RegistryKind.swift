/// What kind of image registry a team registered, which decides its default host, how it is
/// checked and how it is browsed (dyrector.io's registry types).
public enum RegistryKind: String, Codable, Sendable, CaseIterable {
    /// Any Docker Distribution v2 registry (`host[:port][/sub/path]`), browsed with `_catalog`.
    case v2
    /// Docker Hub (`docker.io`): a user or organisation namespace, browsed with Hub's API.
    case hub
    /// GitHub's container registry (`ghcr.io`): a user or organisation namespace.
    case github
    /// GitLab's container registry, SaaS (`registry.gitlab.com`) or self-managed (with its API URL).
    case gitlab
    /// Google Container Registry or Artifact Registry (`gcr.io`, `REGION-docker.pkg.dev`): a project.
    case google
    /// Not checked nor browsed: any registry without a catalog API, or, without a URL, images
    /// that are already on the node (`local`).
    case unchecked

    /// The host used when none is given, or nil when the URL is required.
    public var defaultHost: String? {
        switch self {
        case .v2: nil
        case .hub: "docker.io"
        case .github: "ghcr.io"
        case .gitlab: "registry.gitlab.com"
        case .google: "gcr.io"
        case .unchecked: nil
        }
    }

    /// Whether a namespace (user, organisation, group or project) is required: registries without
    /// a usable `_catalog` are browsed inside one.
    public var needsNamespace: Bool {
        switch self {
        case .hub, .github, .gitlab, .google: true
        case .v2, .unchecked: false
        }
    }

    /// Whether `check` and `browse` can talk to it.
    public var isChecked: Bool { self != .unchecked }
}
