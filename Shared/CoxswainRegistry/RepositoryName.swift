/// A repository path as the Distribution API spells it (`demo/httpd`, `library/nginx`), validated
/// against Distribution's grammar before it goes into a URL:
///
///     path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
///     name           := path-component ('/' path-component)*      (at most 255 characters)
struct RepositoryName: Sendable, Hashable, CustomStringConvertible {
    /// The validated name, safe to put into a URL path as is.
    let value: String

    /// The longest name Distribution accepts.
    static let maximumLength = 255

    /// Validates `name`; a bad name is ``RegistryError/invalid(_:)`` naming it.
    init(validating name: String) throws(RegistryError) {
        guard Self.isValid(name) else {
            throw .invalid(
                "invalid repository name \"\(Self.quoted(name))\": use lowercase letters, digits and separators (., _, __, -) in components joined by /")
        }
        value = name
    }

    private init(unchecked value: String) { self.value = value }

    var description: String { value }

    /// The components between slashes.
    var components: [Substring] { value.split(separator: "/", omittingEmptySubsequences: false) }

    /// Docker Hub's rule: an official image (`nginx`) lives at `library/nginx`.
    func forDockerHub() -> RepositoryName {
        components.count == 1 ? RepositoryName(unchecked: "library/" + value) : self
    }

    /// Whether `name` matches the grammar and the length limit.
    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumLength else { return false }
        return name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { isValidComponent(Array($0)) }
    }

    /// Whether one path component matches `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
    static func isValidComponent(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        var separator: [UInt8] = []
        for byte in bytes {
            if isAlphanumeric(byte) {
                if !separator.isEmpty {
                    let valid =
                        separator == [.dot] || separator == [.underscore] || separator == [.underscore, .underscore] || separator.allSatisfy { $0 == .dash }
                    guard valid else { return false }
                    separator.removeAll()
                }
            } else if byte == .dot || byte == .underscore || byte == .dash {
                separator.append(byte)
                if separator.count > 128 { return false }
            } else {
                return false
            }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// At most 100 characters of an invalid value, with control characters and quotes escaped, for an error message.
    static func quoted(_ value: String) -> String {
        var text = ""
        for scalar in value.unicodeScalars.prefix(100) {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\"" || scalar == "\\" {
                text += scalar.escaped(asASCII: true)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 100 ? text + "…" : text
    }
}

extension UInt8 {
    fileprivate static let dot = UInt8(ascii: ".")
    fileprivate static let underscore = UInt8(ascii: "_")
    fileprivate static let dash = UInt8(ascii: "-")
}
