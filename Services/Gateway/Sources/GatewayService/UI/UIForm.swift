import Foundation

/// A submitted HTML form (`application/x-www-form-urlencoded`) or a query string.
struct UIForm: Sendable, Equatable {
    /// The fields in order; a name may repeat.
    var fields: [(name: String, value: String)]

    static func == (a: UIForm, b: UIForm) -> Bool { a.fields.elementsEqual(b.fields) { $0 == $1 } }

    /// Parses `name=value&…` with `+` as a space and percent-escapes decoded; malformed escapes are kept as they are.
    init(encoded: String) {
        fields = encoded.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                let spaced = $0.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let name = parts.first, !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? parts[1] : "")
        }
    }

    /// The first value of `name`, trimmed; nil when absent or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// `name=value&…` percent-encoded, for a query string.
    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}
