import Foundation

/// The links of an HTTP `Link` header (RFC 8288), as registries and APIs paginate with them:
///
///     </v2/_catalog?last=demo%2Fhttpd&n=100>; rel="next"
///     <https://api.github.com/orgs/acme/packages?package_type=container&page=2>; rel="next", <…>; rel="last"
///
/// Pure and total: unreadable parts are skipped.
struct LinkHeader: Sendable, Equatable {
    /// One `<target>; param=value…` entry.
    struct Link: Sendable, Equatable {
        /// The target as written (relative or absolute).
        var target: String
        /// Parameters by lowercased name, values unquoted.
        var parameters: [String: String]

        /// The `rel` values, lowercased (`rel="next last"` has two).
        var relations: [String] {
            (parameters["rel"] ?? "").lowercased().split(separator: " ").map(String.init)
        }
    }

    /// The links in header order.
    var links: [Link]

    /// Parses every `Link` value; values longer than 16 KiB are ignored.
    init(_ values: [String]) {
        links = values.flatMap { Self.parse($0) }
    }

    /// The target of the first link with `rel="next"`, resolved against `base` (the URL of the
    /// request that answered), or nil.
    func next(relativeTo base: String) -> String? {
        guard let link = links.first(where: { $0.relations.contains("next") }) else { return nil }
        return Self.resolve(link.target, against: base)
    }

    /// `target` made absolute against `base`; nil unless the result is an http(s) URL with a host.
    static func resolve(_ target: String, against base: String) -> String? {
        guard let baseURL = URL(string: base), let url = URL(string: target, relativeTo: baseURL)?.absoluteURL,
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else { return nil }
        return url.absoluteString
    }

    private static func parse(_ value: String) -> [Link] {
        guard value.utf8.count <= 16 << 10 else { return [] }
        var links: [Link] = []
        var rest = Substring(value)
        while links.count < 64 {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard rest.first == "<", let close = rest.firstIndex(of: ">") else { break }
            let target = String(rest[rest.index(after: rest.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: close)...]
            var parameters: [String: String] = [:]
            // Parameters: `; name=value` or `; name="quoted, with commas"` up to the next top-level comma.
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                guard rest.first == ";" else { break }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                let name = rest.prefix { $0 != "=" && $0 != ";" && $0 != "," && $0 != " " }
                rest = rest[name.endIndex...].drop { $0 == " " || $0 == "\t" }
                var parameterValue = ""
                if rest.first == "=" {
                    rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                    if rest.first == "\"" {
                        rest = rest.dropFirst()
                        var unquoted = ""
                        var escaped = false
                        var end = rest.endIndex
                        for index in rest.indices {
                            let character = rest[index]
                            if escaped {
                                unquoted.append(character)
                                escaped = false
                            } else if character == "\\" {
                                escaped = true
                            } else if character == "\"" {
                                end = index
                                break
                            } else {
                                unquoted.append(character)
                            }
                        }
                        parameterValue = unquoted
                        rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
                    } else {
                        let token = rest.prefix { $0 != ";" && $0 != "," && $0 != " " }
                        parameterValue = String(token)
                        rest = rest[token.endIndex...]
                    }
                }
                if !name.isEmpty, parameters.count < 16 { parameters[name.lowercased()] = parameterValue }
            }
            if !target.isEmpty { links.append(Link(target: target, parameters: parameters)) }
            // Skip anything unreadable up to the next link.
            rest = rest.drop { $0 != "," }
        }
        return links
    }
}
