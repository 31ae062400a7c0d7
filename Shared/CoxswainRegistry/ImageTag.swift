/// A tag (`1`, `v2.3.0-rc1`, `latest`), validated against Distribution's grammar
/// `[\w][\w.-]{0,127}` before it goes into a URL.
struct ImageTag: Sendable, Hashable, CustomStringConvertible {
    /// The validated tag, safe to put into a URL path as is.
    let value: String

    /// Validates `tag`; a bad tag is ``RegistryError/invalid(_:)`` naming it.
    init(validating tag: String) throws(RegistryError) {
        guard Self.isValid(tag) else {
            throw .invalid(
                "invalid tag \"\(RepositoryName.quoted(tag))\": use up to 128 letters, digits, _, . and -, not starting with . or -")
        }
        value = tag
    }

    var description: String { value }

    /// Whether `tag` matches `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    static func isValid(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWord(first) else { return false }
        return bytes.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
