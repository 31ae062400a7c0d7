import AsyncHTTPClient
import CoxswainCore
import Logging

/// Checks and browses one team registry: the Distribution v2 API with its Basic or Bearer-token
/// challenges, and the listing APIs of Docker Hub, GitHub and GitLab.
///
/// Every public operation is bounded by ``timeout`` overall, every body it reads by
/// ``maximumResponseBytes`` and every pagination loop by a page limit. Everything the registry
/// sends is untrusted: names and digests are validated before they go into a URL, nothing traps.
/// Bearer tokens are cached per scope for the life of the value (and its copies).
public struct RegistryClient: Sendable {
    /// The registry as the API shows it (never its password).
    public let registry: RegistryInfo
    let login: RegistryLogin?
    let httpClient: HTTPClient
    let logger: Logger
    /// The bound of each public operation as a whole.
    public let timeout: Duration

    /// Entries asked for per page (`n` of `_catalog` and `tags/list`, `page_size`/`per_page` of the
    /// listing APIs). Tests lower it to exercise pagination.
    var pageSize = 100
    /// The most pages one listing reads.
    var maximumPages = 200
    /// The listing API root of hub/github/gitlab instead of the public one (tests).
    var hostedAPIBase: String?
    let authCache = RegistryAuthCache()

    /// The largest body read from a registry (manifests, config blobs, pages, tokens).
    static let maximumResponseBytes = 4 << 20
    /// The most redirects followed per request when the HTTP client does not follow them itself.
    static let maximumRedirects = 5

    /// A client for `registry`, authenticating with `login` when the registry asks.
    public init(registry: RegistryInfo, login: RegistryLogin?, httpClient: HTTPClient, logger: Logger, timeout: Duration = .seconds(15)) {
        self.registry = registry
        self.login = login
        self.httpClient = httpClient
        self.logger = logger
        self.timeout = timeout
    }
}
