/// A validated image reference: `[registry-host[:port]/]path[:tag][@digest]`, following the
/// Docker distribution reference grammar.
///
/// The first path component is a registry when it contains `.` or `:` or is `localhost` and
/// more components follow. No default registry is filled in (the engine applies its own);
/// ``tagOrDefault`` is `latest` when neither tag nor digest was given.
package struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host with optional port (`127.0.0.1:25500`, `ghcr.io`), or `nil`.
    package let registry: String?
    /// Repository path (`demo/httpd`).
    package let repository: String
    /// Tag, or `nil`.
    package let tag: String?
    /// Digest (`sha256:<64 hex>`), or `nil`.
    package let digest: String?

    /// Longest name (registry and repository) the grammar allows.
    package static let maximumNameLength = 255

    /// Parses and validates `reference`; throws ``ContainerEngineError/invalidImageReference(_:reason:)``.
    package init(parsing reference: String) throws(ContainerEngineError) {
        func fail(_ reason: String) -> ContainerEngineError { .invalidImageReference(reference, reason: reason) }
        guard !reference.isEmpty else { throw fail("empty") }
        guard reference.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw fail("only printable ASCII without spaces is allowed")
        }
        var rest = Substring(reference)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = String(rest[rest.index(after: at)...])
            guard Self.isValidDigest(value) else { throw fail("the digest must be algorithm:hex (sha256 with 64 hex digits)") }
            digest = value
            rest = rest[..<at]
        }
        var tag: String?
        // A tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let value = String(rest[rest.index(after: colon)...])
            guard Self.isValidTag(value) else {
                throw fail("the tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
            }
            tag = value
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw fail("the repository is missing") }
        guard rest.utf8.count <= Self.maximumNameLength else { throw fail("the name is longer than \(Self.maximumNameLength) characters") }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var registry: String?
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase)
        {
            guard Self.isValidRegistry(first) else { throw fail("the registry must be host[:port]") }
            registry = first
            components.removeFirst()
        }
        for component in components where !Self.isValidPathComponent(component) {
            throw fail("path component \"\(component)\" must be lowercase letters and digits separated by '.', '_', '__' or '-'")
        }
        self.registry = registry
        self.repository = components.joined(separator: "/")
        self.tag = tag
        self.digest = digest
    }

    /// `registry/repository` (or just the repository): the `fromImage` of a pull.
    package var name: String { registry.map { "\($0)/\(repository)" } ?? repository }

    /// The tag, or `latest` when there is neither tag nor digest; the digest when only it is given.
    package var tagOrDefault: String { tag ?? digest ?? "latest" }

    /// What a pull asks the engine for (`POST /images/create?tag=`): the digest when the reference
    /// is pinned (with or without a tag: the bits, not whatever the tag names now), else the tag.
    package var pullTag: String { digest ?? tag ?? "latest" }

    /// The reference in canonical text form.
    package var description: String {
        var text = name
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        if tag == nil, digest == nil { text += ":latest" }
        return text
    }

    /// This reference with another tag (and no digest).
    package func withTag(_ newTag: String) throws(ContainerEngineError) -> ImageReference {
        try ImageReference(parsing: "\(name):\(newTag)")
    }

    // MARK: Grammar

    static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWordByte(first) else { return false }
        return bytes.dropFirst().allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func isValidDigest(_ digest: String) -> Bool {
        let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count >= 32 else { return false }
        guard parts[0].utf8.allSatisfy({ isLowerAlnum($0) || "+.-_".utf8.contains($0) }) else { return false }
        guard parts[1].utf8.allSatisfy(isLowerHex) else { return false }
        return parts[0] != "sha256" || parts[1].utf8.count == 64
    }

    static func isValidRegistry(_ host: String) -> Bool {
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let hostname = parts.first, !hostname.isEmpty else { return false }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), parts[1].utf8.allSatisfy(isDigit) else { return false }
        }
        return hostname.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
            return isAlnum(first) && isAlnum(last) && bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    static func isValidPathComponent(_ component: String) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlnum(bytes[index]) {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, !isLowerAlnum(bytes[end]) { end += 1 }
            let separator = bytes[index..<end]
            let valid =
                separator.elementsEqual([UInt8(ascii: ".")]) || separator.elementsEqual([UInt8(ascii: "_")])
                || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")]) || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            guard valid else { return false }
            index = end
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isLowerAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || (0x61...0x7A).contains(byte) }
    private static func isAlnum(_ byte: UInt8) -> Bool { isLowerAlnum(byte) || (0x41...0x5A).contains(byte) }
    private static func isLowerHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x61...0x66).contains(byte) }
    private static func isWordByte(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == UInt8(ascii: "_") }
}
