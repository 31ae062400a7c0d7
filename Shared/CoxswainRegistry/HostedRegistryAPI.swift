import CoxswainCore
import Foundation

/// The listing APIs of hosted registries whose Distribution `_catalog` is closed: Docker Hub's
/// repositories API, GitHub's packages API and GitLab's container registry API. Builds URLs and
/// headers and decodes pages; pure, so it is unit-tested without network.
struct HostedRegistryAPI: Sendable, Equatable {
    /// Which API.
    enum Service: Sendable, Equatable {
        /// `GET {base}/v2/repositories/NS/?page_size=N`, paginated by the body's `next`.
        case hub
        /// `GET {base}/orgs/NS/packages?package_type=container&per_page=N` (then `users/NS`), paginated by `Link`.
        case github
        /// `GET {base}/api/v4/groups/NS/registry/repositories?per_page=N` (then `projects/NS`), paginated by `Link`.
        case gitlab
    }

    let service: Service
    /// The user, organisation or group, validated.
    let namespace: String
    /// `https://hub.docker.com`, `https://api.github.com`, or GitLab's API root (`https://gitlab.com`).
    let base: String

    /// Docker Hub's API root.
    static let hubBase = "https://hub.docker.com"
    /// GitHub's REST API root.
    static let githubBase = "https://api.github.com"
    /// GitLab.com's API root.
    static let gitlabBase = "https://gitlab.com"

    /// The listing API of `registry`, or nil when it is browsed with `_catalog` (v2, google).
    /// `base` replaces the API root (tests point it at a local server).
    static func of(_ registry: RegistryInfo, base: String? = nil) throws(RegistryError) -> HostedRegistryAPI? {
        let service: Service
        switch registry.kind {
        case .hub: service = .hub
        case .github: service = .github
        case .gitlab: service = .gitlab
        case .v2, .google, .unchecked: return nil
        }
        guard let namespace = registry.namespace?.trimmingCharacters(in: .whitespaces), !namespace.isEmpty else {
            throw .invalid("registry \(registry.name) needs a namespace (the user, organisation or group to browse)")
        }
        guard isValidNamespace(namespace, for: service) else {
            throw .invalid("invalid namespace \"\(RepositoryName.quoted(namespace))\" for registry \(registry.name)")
        }
        var root: String
        switch service {
        case .hub: root = base ?? hubBase
        case .github: root = base ?? githubBase
        case .gitlab: root = base ?? registry.apiURL.flatMap { $0.isEmpty ? nil : $0 } ?? gitlabBase
        }
        while root.hasSuffix("/") { root.removeLast() }
        guard let url = URL(string: root), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil,
            url.query == nil, url.user == nil
        else {
            throw .invalid("registry \(registry.name) has an invalid API URL \"\(RepositoryName.quoted(root))\" (expected https://host[/path])")
        }
        return HostedRegistryAPI(service: service, namespace: namespace, base: root)
    }

    /// Hub: a name component; GitHub: letters, digits and `-`; GitLab: a full group or project path.
    static func isValidNamespace(_ namespace: String, for service: Service) -> Bool {
        guard namespace.utf8.count <= 255 else { return false }
        switch service {
        case .hub:
            return RepositoryName.isValidComponent(Array(namespace.utf8))
        case .github:
            return namespace.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && !namespace.hasPrefix("-")
        case .gitlab:
            return namespace.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
            }
        }
    }

    /// The first page's URL, in the order to try: GitHub tries the organisation, then the user;
    /// GitLab the group, then the project (each only when the former answers 404).
    func firstPageURLs(pageSize: Int) -> [String] {
        let size = max(1, min(pageSize, 100))
        switch service {
        case .hub:
            return ["\(base)/v2/repositories/\(namespace)/?page_size=\(size)"]
        case .github:
            return ["orgs", "users"].map { "\(base)/\($0)/\(namespace)/packages?package_type=container&per_page=\(size)" }
        case .gitlab:
            let encoded = namespace.replacingOccurrences(of: "/", with: "%2F")
            return ["groups", "projects"].map { "\(base)/api/v4/\($0)/\(encoded)/registry/repositories?per_page=\(size)" }
        }
    }

    /// Docker Hub's login (`POST`, JSON `{"username","password"}` → `{"token"}`), used when a password is stored.
    var hubLoginURL: String { "\(base)/v2/users/login" }

    /// The headers of a listing request. `hubToken` is the JWT from Hub's login.
    func headers(login: RegistryLogin?, hubToken: String?) -> [(String, String)] {
        var headers: [(String, String)] = []
        switch service {
        case .hub:
            headers.append(("Accept", "application/json"))
            if let hubToken { headers.append(("Authorization", "Bearer \(hubToken)")) }
        case .github:
            headers.append(("Accept", "application/vnd.github+json"))
            headers.append(("X-GitHub-Api-Version", "2022-11-28"))
            if let login, !login.password.isEmpty { headers.append(("Authorization", "Bearer \(login.password)")) }
        case .gitlab:
            headers.append(("Accept", "application/json"))
            if let login, !login.password.isEmpty { headers.append(("PRIVATE-TOKEN", login.password)) }
        }
        return headers
    }

    /// The repository names of one page (full paths on the registry host, invalid names dropped)
    /// and the next page's URL (Hub: the body's `next`; GitHub and GitLab: `Link`).
    func page(_ body: Data, linkHeaders: [String], url: String) throws -> (names: [String], next: String?) {
        switch service {
        case .hub:
            struct Page: Decodable {
                struct Result: Decodable {
                    var name: String
                    var namespace: String?
                }
                var next: String?
                var results: [Result]?
            }
            let page = try JSONDecoder().decode(Page.self, from: body)
            let names = (page.results ?? []).map { "\(($0.namespace ?? namespace).lowercased())/\($0.name.lowercased())" }
            return (names.filter(RepositoryName.isValid), page.next.flatMap { LinkHeader.resolve($0, against: url) })
        case .github:
            struct Package: Decodable { var name: String }
            let packages = try JSONDecoder().decode([Package].self, from: body)
            let names = packages.map { "\(namespace.lowercased())/\($0.name.lowercased())" }
            return (names.filter(RepositoryName.isValid), LinkHeader(linkHeaders).next(relativeTo: url))
        case .gitlab:
            struct Repository: Decodable { var path: String }
            let repositories = try JSONDecoder().decode([Repository].self, from: body)
            return (repositories.map { $0.path.lowercased() }.filter(RepositoryName.isValid), LinkHeader(linkHeaders).next(relativeTo: url))
        }
    }

    /// A short name of the API for messages (`Docker Hub's API at https://hub.docker.com`).
    var label: String {
        switch service {
        case .hub: "Docker Hub's API at \(base)"
        case .github: "GitHub's API at \(base)"
        case .gitlab: "GitLab's API at \(base)"
        }
    }
}
