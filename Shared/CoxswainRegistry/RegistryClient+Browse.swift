import CoxswainCore
import Foundation

extension RegistryClient {
    /// The registry's repositories, at most `limit` (1…100 000).
    ///
    /// v2 and google: `GET /v2/_catalog?n=100`, following `Link: <…>; rel="next"`, filtered to the
    /// registry's sub-path (google: to the project namespace when the URL has no sub-path).
    /// hub, github and gitlab: their listing APIs inside the registry's namespace.
    /// The listing stops at `limit`, after ``maximumPages`` pages, or when the client's timeout
    /// passes after the first page; then `truncated` is true. Names are sorted. `unchecked` is
    /// ``RegistryError/unsupported(_:)``.
    public func repositories(limit: Int = 1000) async throws(RegistryError) -> RegistryRepositoryList {
        let endpoint = try RegistryEndpoint(registry)
        let limit = try Self.validLimit(limit)
        let deadline = operationDeadline()
        if let api = try HostedRegistryAPI.of(registry, base: hostedAPIBase) {
            return try await hostedRepositories(api, limit: limit, deadline: deadline)
        }
        let prefix = try catalogPrefix(endpoint)
        let first = endpoint.url("/v2/_catalog?n=\(max(1, min(pageSize, 1000)))")
        let (names, truncated) = try await paginate(from: first, limit: limit, deadline: deadline) { url throws(RegistryError) in
            let response = try await authorizedGET(url, scope: "registry:catalog:*", accept: ["application/json"], endpoint: endpoint, deadline: deadline)
            guard response.status == 200 else { throw failure(response, about: .catalog) }
            struct Catalog: Decodable { var repositories: [String]? }
            guard let catalog = try? JSONDecoder().decode(Catalog.self, from: response.data) else {
                throw .badResponse("registry \(registryLabel) answered the catalog request with something that is not a catalog (not JSON)")
            }
            let names = (catalog.repositories ?? []).filter { name in
                RepositoryName.isValid(name) && prefix.map { name == $0 || name.hasPrefix($0 + "/") } ?? true
            }
            return (names, LinkHeader(response.values("Link")).next(relativeTo: url))
        }
        return RegistryRepositoryList(repositories: names.sorted(), truncated: truncated)
    }

    /// The tags of `repository` (`GET /v2/<repository>/tags/list?n=100` following `Link`), at most
    /// `limit`, sorted (Distribution 2.8 answers in no particular order and ignores `n`); bounded
    /// like ``repositories(limit:)``. Docker Hub's official images may be named without `library/`.
    public func tags(repository: String, limit: Int = 1000) async throws(RegistryError) -> RegistryTagList {
        let endpoint = try RegistryEndpoint(registry)
        let name = endpoint.normalized(try RepositoryName(validating: repository))
        let limit = try Self.validLimit(limit)
        let deadline = operationDeadline()
        let first = endpoint.url("/v2/\(name)/tags/list?n=\(max(1, min(pageSize, 1000)))")
        let (tags, truncated) = try await paginate(from: first, limit: limit, deadline: deadline) { url throws(RegistryError) in
            let response = try await authorizedGET(url, scope: "repository:\(name):pull", accept: ["application/json"], endpoint: endpoint, deadline: deadline)
            guard response.status == 200 else { throw failure(response, about: .repository(name)) }
            struct TagList: Decodable { var tags: [String]? }
            guard let list = try? JSONDecoder().decode(TagList.self, from: response.data) else {
                throw .badResponse("registry \(registryLabel) answered the tag list of \(name) with something that is not a tag list (not JSON)")
            }
            return ((list.tags ?? []).filter(ImageTag.isValid), LinkHeader(response.values("Link")).next(relativeTo: url))
        }
        return RegistryTagList(repository: name.value, tags: tags.sorted(), truncated: truncated)
    }

    /// Reads pages from `first` on, following each page's next URL, until `limit` names, the last
    /// page, ``maximumPages`` pages, or the deadline (after the first page: the list is then
    /// truncated; on the first page it is ``RegistryError/timedOut(_:)``). A next URL on another
    /// origin, or the same URL again, ends the listing as truncated: credentials never leave the API's origin.
    func paginate(
        from first: String, limit: Int, deadline: Deadline, page: (String) async throws(RegistryError) -> (names: [String], next: String?)
    ) async throws(RegistryError) -> (names: [String], truncated: Bool) {
        var names: [String] = []
        var seen = Set<String>()
        var url = first
        var pages = 0
        while true {
            if pages > 0, pages >= maximumPages || ContinuousClock.now >= deadline { return (names, true) }
            let result: (names: [String], next: String?)
            do throws(RegistryError) {
                result = try await page(url)
            } catch {
                if pages > 0, case .timedOut = error { return (names, true) }
                throw error
            }
            pages += 1
            seen.insert(url)
            for name in result.names {
                guard names.count < limit else { return (names, true) }
                names.append(name)
            }
            guard let next = result.next else { return (names, false) }
            if names.count >= limit { return (names, true) }
            guard Self.sameOrigin(next, first), !seen.contains(next) else {
                logger.notice(
                    "registry pagination stopped: next page on another origin or seen before",
                    metadata: [RegistryLogMetadata.registry: "\(registry.name)", RegistryLogMetadata.request: "GET \(next.prefix(300))"])
                return (names, true)
            }
            url = next
        }
    }

    /// The sub-path the catalog is filtered to: the URL's, else for google the project namespace
    /// (`example.com:project` becomes `example.com/project`).
    func catalogPrefix(_ endpoint: RegistryEndpoint) throws(RegistryError) -> String? {
        if let prefix = endpoint.pathPrefix { return prefix }
        guard registry.kind == .google else { return nil }
        guard let namespace = registry.namespace?.trimmingCharacters(in: .whitespaces), !namespace.isEmpty else {
            throw .invalid("registry \(registryLabel) needs a namespace (the Google Cloud project to browse)")
        }
        let prefix = namespace.lowercased().replacingOccurrences(of: ":", with: "/")
        guard RepositoryName.isValid(prefix) else { throw .invalid("invalid namespace \"\(RepositoryName.quoted(namespace))\" for registry \(registryLabel)") }
        return prefix
    }

    /// `limit` when it is 1…100 000.
    static func validLimit(_ limit: Int) throws(RegistryError) -> Int {
        guard (1...100_000).contains(limit) else { throw .invalid("invalid limit \(limit): use 1 to 100000") }
        return limit
    }
}
