/// An image reference completed against a team registry: `demo/httpd:1` in a registry at
/// `127.0.0.1:25500` is `127.0.0.1:25500/demo/httpd:1`; `nginx` on Docker Hub is
/// `docker.io/library/nginx:latest`. Pure; the Gateway uses it before a pull is sent to nodes.
public struct ImagePath: Sendable, Equatable, CustomStringConvertible {
    /// `host[:port]` the node pulls from.
    public var host: String
    /// The repository inside the registry (`demo/httpd`, `library/nginx`).
    public var repository: String
    /// The tag, or nil when pinned by digest only.
    public var tag: String?
    /// `sha256:…` when pinned.
    public var digest: String?

    public var description: String {
        "\(host)/\(repository)\(tag.map { ":\($0)" } ?? "")\(digest.map { "@\($0)" } ?? "")"
    }

    /// Whether `text` is a digest as references carry it: `sha256:` and 64 lowercase hex digits.
    public static func isDigest(_ text: String) -> Bool {
        text.hasPrefix("sha256:") && text.utf8.count == 71 && text.dropFirst(7).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Hosts that are Docker Hub.
    static let hubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// `image` as pulled from `registry`, or what is wrong with it.
    public static func resolve(_ image: String, in registry: RegistryInfo) -> Result<ImagePath, RegistryProblem> {
        func bad(_ why: String) -> Result<ImagePath, RegistryProblem> { .failure(RegistryProblem(field: "image", why)) }
        guard !image.isEmpty, image.utf8.count <= 512, !image.contains(where: { $0.isWhitespace }) else {
            return bad("an image reference is repository[:tag][@digest], at most 512 characters without spaces")
        }
        guard let registryHost = registry.host else { return bad("registry '\(registry.name)' has no host to pull from") }
        var rest = Substring(image)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let d = digest, isDigest(d) else {
                return bad("'\(digest ?? "")' is not a digest (sha256: and 64 lowercase hex digits)")
            }
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        if let tag, !isTag(tag) { return bad("'\(tag)' is not a tag (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-')") }
        if tag == nil && digest == nil { tag = "latest" }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var host = registryHost
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            let sameHub = hubHosts.contains(first) && hubHosts.contains(registryHost)
            guard first == registryHost || sameHub else {
                return bad("image '\(image)' names the host \(first), but registry '\(registry.name)' is \(registryHost): drop the host or the registry")
            }
            host = first
            components.removeFirst()
        }
        var repository = components.joined(separator: "/")
        if let prefix = registry.pathPrefix, !repository.hasPrefix(prefix + "/") { repository = prefix + "/" + repository }
        if registry.kind == .hub {
            if let namespace = registry.namespace, components.count == 1, namespace != "library" {
                repository = namespace + "/" + repository
            } else if components.count == 1 {
                repository = "library/" + repository
            }
        } else if let namespace = registry.namespace, registry.kind.needsNamespace, !repository.hasPrefix(namespace + "/") {
            repository = namespace + "/" + repository
        }
        guard isRepository(repository) else {
            return bad("'\(repository)' is not a repository name (lowercase path components of letters, digits and '.', '_', '-' separators)")
        }
        return .success(ImagePath(host: host, repository: repository, tag: tag, digest: digest))
    }

    /// Distribution's tag grammar: `[\w][\w.-]{0,127}`.
    public static func isTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard (1...128).contains(bytes.count), let first = bytes.first, isWord(first) else { return false }
        return bytes.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// Distribution's repository grammar: components `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*` joined by `/`.
    public static func isRepository(_ repository: String) -> Bool {
        guard (1...255).contains(repository.utf8.count) else { return false }
        return repository.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            let bytes = Array(component.utf8)
            guard let first = bytes.first, let last = bytes.last, RegistryName.isLowerAlnum(first), RegistryName.isLowerAlnum(last) else { return false }
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if RegistryName.isLowerAlnum(c) {
                    i += 1
                    continue
                }
                // A separator: '.', '_', '__' or a run of '-', always followed by an alphanumeric.
                if c == UInt8(ascii: "-") {
                    while i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
                } else if c == UInt8(ascii: "_") {
                    i += (i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "_")) ? 2 : 1
                } else if c == UInt8(ascii: ".") {
                    i += 1
                } else {
                    return false
                }
                guard i < bytes.count, RegistryName.isLowerAlnum(bytes[i]) else { return false }
            }
            return true
        }
    }

    static func isWord(_ c: UInt8) -> Bool {
        RegistryName.isLowerAlnum(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) || c == UInt8(ascii: "_")
    }
}
