/// `POST /v1/registries` (add) and `PATCH /v1/registries/{name}` (update; absent fields stay).
/// The password travels only in this request and is sealed at rest at once.
public struct RegistryRequest: Codable, Sendable, Equatable {
    public var name: String?
    public var kind: RegistryKind?
    public var url: String?
    public var namespace: String?
    public var apiURL: String?
    public var plainHTTP: Bool?
    public var username: String?
    /// **Secret.** Never logged, never returned.
    public var password: String?
    /// `update`: forget the stored username and password (anonymous pulls).
    public var clearCredentials: Bool?
    public var description: String?

    public init(
        name: String? = nil, kind: RegistryKind? = nil, url: String? = nil, namespace: String? = nil, apiURL: String? = nil, plainHTTP: Bool? = nil,
        username: String? = nil, password: String? = nil, clearCredentials: Bool? = nil, description: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.namespace = namespace
        self.apiURL = apiURL
        self.plainHTTP = plainHTTP
        self.username = username
        self.password = password
        self.clearCredentials = clearCredentials
        self.description = description
    }
}

/// A registry's fields as they will be stored, checked as a whole (add, or update merged over the
/// stored row): `problem` names the first field that is wrong, for a 400.
public struct RegistryDraft: Sendable, Equatable {
    public var name: String
    public var kind: RegistryKind
    public var url: String?
    public var namespace: String?
    public var apiURL: String?
    public var plainHTTP: Bool
    public var username: String?
    /// Whether a password is (or will be) stored.
    public var hasPassword: Bool
    public var description: String?

    public init(
        name: String, kind: RegistryKind, url: String?, namespace: String?, apiURL: String?, plainHTTP: Bool, username: String?, hasPassword: Bool,
        description: String?
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.namespace = namespace
        self.apiURL = apiURL
        self.plainHTTP = plainHTTP
        self.username = username
        self.hasPassword = hasPassword
        self.description = description
    }

    /// What a new registry would be, or the problem with the request.
    public static func adding(_ r: RegistryRequest) -> Result<RegistryDraft, RegistryProblem> {
        guard let name = r.name else { return .failure(RegistryProblem(field: "name", "a registry needs a name")) }
        guard let kind = r.kind else {
            return .failure(RegistryProblem(field: "kind", "a registry needs a kind: \(RegistryKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let draft = RegistryDraft(
            name: name, kind: kind, url: r.url.nonEmpty, namespace: r.namespace.nonEmpty, apiURL: r.apiURL.nonEmpty, plainHTTP: r.plainHTTP ?? false,
            username: r.username.nonEmpty, hasPassword: r.password.nonEmpty != nil, description: r.description.nonEmpty)
        return draft.checked(password: r.password)
    }

    /// `stored` with the request's fields applied (an empty string clears an optional field).
    public static func updating(_ stored: RegistryInfo, with r: RegistryRequest) -> Result<RegistryDraft, RegistryProblem> {
        var draft = RegistryDraft(
            name: stored.name, kind: stored.kind, url: stored.url, namespace: stored.namespace, apiURL: stored.apiURL, plainHTTP: stored.plainHTTP,
            username: stored.username, hasPassword: stored.hasPassword, description: stored.description)
        if let name = r.name { draft.name = name }
        if let kind = r.kind { draft.kind = kind }
        if let url = r.url { draft.url = url.isEmpty ? nil : url }
        if let namespace = r.namespace { draft.namespace = namespace.isEmpty ? nil : namespace }
        if let apiURL = r.apiURL { draft.apiURL = apiURL.isEmpty ? nil : apiURL }
        if let plainHTTP = r.plainHTTP { draft.plainHTTP = plainHTTP }
        if let description = r.description { draft.description = description.isEmpty ? nil : description }
        if r.clearCredentials == true {
            if r.username != nil || r.password != nil {
                return .failure(RegistryProblem(field: "clearCredentials", "clear the credentials or set new ones, not both"))
            }
            draft.username = nil
            draft.hasPassword = false
        }
        if let username = r.username { draft.username = username.isEmpty ? nil : username }
        if let password = r.password { draft.hasPassword = !password.isEmpty }
        return draft.checked(password: r.password)
    }

    func checked(password: String?) -> Result<RegistryDraft, RegistryProblem> {
        if let problem = problem(password: password) { return .failure(problem) }
        return .success(self)
    }

    func problem(password: String?) -> RegistryProblem? {
        if !RegistryName.isValid(name) {
            return RegistryProblem(
                field: "name", "'\(name)' is not a registry name (lowercase letters, digits and '-', 1 to 63, starting with a letter or digit)")
        }
        if let url {
            if url.contains("://") {
                return RegistryProblem(
                    field: "url", "url is host[:port][/path] without a scheme: drop '\(url.prefix { $0 != ":" })://' (use plainHTTP for http)")
            }
            if let bad = RegistryHost.problem(url) { return RegistryProblem(field: "url", bad) }
        }
        switch kind {
        case .v2:
            if url == nil { return RegistryProblem(field: "url", "a v2 registry needs its url (host[:port][/path])") }
        case .hub, .github:
            if let url, url != kind.defaultHost {
                return RegistryProblem(field: "url", "a \(kind.rawValue) registry is always \(kind.defaultHost ?? ""): drop url '\(url)'")
            }
        case .gitlab:
            if url != nil && url != kind.defaultHost && apiURL == nil {
                return RegistryProblem(field: "apiURL", "a self-managed gitlab registry needs apiURL (https://gitlab.example.com)")
            }
        case .google:
            if let host = url.map({ String($0.prefix { $0 != "/" }) }), !(host == "gcr.io" || host.hasSuffix(".gcr.io") || host.hasSuffix("-docker.pkg.dev")) {
                return RegistryProblem(field: "url", "a google registry is gcr.io, REGION.gcr.io or REGION-docker.pkg.dev, not '\(host)'")
            }
        case .unchecked:
            break
        }
        if kind.needsNamespace {
            guard let namespace else {
                return RegistryProblem(field: "namespace", "a \(kind.rawValue) registry needs a namespace (the user, organisation, group or project to browse)")
            }
            if !RegistryName.isNamespace(namespace) {
                return RegistryProblem(field: "namespace", "'\(namespace)' is not a namespace (lowercase path components separated by '/')")
            }
        } else if let namespace, !RegistryName.isNamespace(namespace) {
            return RegistryProblem(field: "namespace", "'\(namespace)' is not a namespace (lowercase path components separated by '/')")
        }
        if let apiURL {
            guard kind == .gitlab else { return RegistryProblem(field: "apiURL", "apiURL is for self-managed gitlab registries only") }
            guard apiURL.hasPrefix("https://") || apiURL.hasPrefix("http://"), apiURL.utf8.count <= 512, !apiURL.contains(where: \.isWhitespace) else {
                return RegistryProblem(field: "apiURL", "apiURL must be an http(s) URL of at most 512 characters")
            }
        }
        if let username, username.utf8.count > 256 || username.contains(where: { $0.isNewline || $0 == ":" }) {
            return RegistryProblem(field: "username", "username must be at most 256 characters, without ':' or line breaks")
        }
        if let password, password.utf8.count > 16_384 {
            return RegistryProblem(field: "password", "password must be at most 16384 bytes")
        }
        if hasPassword && username == nil { return RegistryProblem(field: "username", "a password needs a username") }
        if let description, description.utf8.count > 1000 { return RegistryProblem(field: "description", "description must be at most 1000 characters") }
        if kind == .unchecked && url == nil && (username != nil || hasPassword) {
            return RegistryProblem(field: "username", "a local registry (no url: images already on the node) takes no credentials")
        }
        return nil
    }
}

/// What is wrong with a registry request, naming the field.
public struct RegistryProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { message }
}

/// Registry names: what `--registry NAME` and image references use.
public enum RegistryName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// `group/sub-group`: path components of lowercase letters, digits, '.', '_' and '-'.
    public static func isNamespace(_ namespace: String) -> Bool {
        guard (1...255).contains(namespace.utf8.count) else { return false }
        return namespace.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.utf8.first, isLowerAlnum(first), let last = part.utf8.last, isLowerAlnum(last) else { return false }
            return part.utf8.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        }
    }

    static func isLowerAlnum(_ c: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) }
}

/// `host[:port][/path]` as a registry URL.
enum RegistryHost {
    static func problem(_ url: String) -> String? {
        guard url.utf8.count <= 512, !url.contains(where: \.isWhitespace) else { return "url must be at most 512 characters without spaces" }
        let host = url.prefix { $0 != "/" }
        let path = url.dropFirst(host.count).drop { $0 == "/" }
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.first, !name.isEmpty,
            name.utf8.allSatisfy({
                RegistryName.isLowerAlnum($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
            })
        else { return "'\(host)' is not a registry host (host[:port])" }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return "'\(parts[1])' is not a port (1 to 65535)" }
        }
        if !path.isEmpty, !RegistryName.isNamespace(String(path.reversed().drop { $0 == "/" }.reversed())) {
            return "'\(path)' is not a registry path (lowercase path components)"
        }
        return nil
    }
}

extension Optional where Wrapped == String {
    fileprivate var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
