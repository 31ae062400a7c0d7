import CoxswainCore

/// Where a registry's Distribution API lives: scheme, API host and sub-path, derived from a
/// ``RegistryInfo`` and validated before anything is sent.
struct RegistryEndpoint: Sendable, Equatable {
    /// `https` unless the registry is marked plain HTTP.
    let scheme: String
    /// `host[:port]` as the team registered it (`docker.io`, `127.0.0.1:25500`).
    let host: String
    /// The host the API is served on: `registry-1.docker.io` for Docker Hub, else ``host``.
    let apiHost: String
    /// The sub-path of the registry URL (`team/apps`), nil when none.
    let pathPrefix: String?
    /// Whether this is Docker Hub (official images live under `library/`).
    let isDockerHub: Bool

    /// The hosts that mean Docker Hub.
    static let dockerHubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]
    /// Docker Hub's Distribution API host.
    static let dockerHubAPIHost = "registry-1.docker.io"

    /// The endpoint of `registry`; ``RegistryError/invalid(_:)`` when it has no usable host and
    /// ``RegistryError/unsupported(_:)`` for an `unchecked` registry.
    init(_ registry: RegistryInfo) throws(RegistryError) {
        guard registry.kind.isChecked else {
            throw .unsupported(
                "registry \(registry.name) is of kind unchecked: Coxswain neither checks nor browses it (register it as v2, hub, github, gitlab or google)")
        }
        guard let host = registry.host?.lowercased(), Self.isValidHost(host) else {
            throw .invalid("registry \(registry.name) has no valid host in its URL (expected host[:port][/path] without a scheme or credentials)")
        }
        if let prefix = registry.pathPrefix, !RepositoryName.isValid(prefix) {
            throw .invalid("registry \(registry.name) has an invalid sub-path \"\(RepositoryName.quoted(prefix))\" in its URL")
        }
        self.host = host
        scheme = registry.plainHTTP ? "http" : "https"
        isDockerHub = registry.kind == .hub || Self.dockerHubHosts.contains(host)
        apiHost = isDockerHub ? Self.dockerHubAPIHost : host
        pathPrefix = registry.pathPrefix
    }

    /// `https://host` of the API.
    var baseURL: String { "\(scheme)://\(apiHost)" }

    /// `baseURL` + `path` (which starts with `/v2/`).
    func url(_ path: String) -> String { baseURL + path }

    /// The repository as this registry names it: `library/` added for Docker Hub's official images.
    func normalized(_ repository: RepositoryName) -> RepositoryName {
        isDockerHub ? repository.forDockerHub() : repository
    }

    /// A DNS name, IPv4 address or bracketed IPv6 address, with an optional port 1-65535; no
    /// scheme, user info, path, query or spaces.
    static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 260 else { return false }
        var name = Substring(host)
        var port: Substring?
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            let inside = name[name.index(after: name.startIndex)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            let after = name[name.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return false }
                port = after.dropFirst()
            }
            name = inside
        } else {
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let first = parts.first else { return false }
            name = first
            port = parts.count == 2 ? parts[1] : nil
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            let validLabels = labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.allSatisfy { ($0.isASCII && $0.isLetter) || ($0.isASCII && $0.isNumber) || $0 == "-" || $0 == "_" }
            }
            guard validLabels else { return false }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65535).contains(number)
            else { return false }
        }
        return true
    }
}
