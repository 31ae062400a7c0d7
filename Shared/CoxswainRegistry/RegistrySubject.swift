/// What a request was about, so that a failed answer becomes an error naming it.
enum RegistrySubject: Sendable {
    /// The registry itself (`GET /v2/`).
    case registry
    /// The repository list (`_catalog`).
    case catalog
    /// A repository (`tags/list`).
    case repository(RepositoryName)
    /// A tag or digest of a repository (`manifests/…`).
    case tag(RepositoryName, String)
    /// A blob of a repository (the config).
    case blob(RepositoryName, ImageDigest)
    /// A hosted listing API (Hub, GitHub, GitLab) browsing `namespace`.
    case api(label: String, namespace: String)
    /// A token service (its URL without query).
    case tokenService(String)
}
