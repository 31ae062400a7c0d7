/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): an auth scheme and its
/// parameters, as a registry sends them on a 401.
///
///     Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"
///     Basic realm="coxswain-registry"
///
/// The parser is pure and total: whatever the registry sends, it returns the challenges it could
/// read and never traps.
struct AuthChallenge: Sendable, Equatable {
    /// The scheme, lowercased (`basic`, `bearer`).
    var scheme: String
    /// Parameters by lowercased name (`realm`, `service`, `scope`, `error`), values unquoted.
    var parameters: [String: String]

    /// The `realm` parameter.
    var realm: String? { parameters["realm"] }
    /// The `service` parameter (Bearer).
    var service: String? { parameters["service"] }
    /// The `scope` parameter (Bearer): what the registry wants a token for.
    var scope: String? { parameters["scope"] }

    /// The challenges of every `WWW-Authenticate` value, in order; values longer than 16 KiB are ignored.
    static func parse(_ values: [String]) -> [AuthChallenge] {
        values.flatMap { parse($0) }
    }

    /// The challenges of one `WWW-Authenticate` value (several challenges may share one value).
    static func parse(_ value: String) -> [AuthChallenge] {
        guard value.utf8.count <= 16 << 10 else { return [] }
        var scanner = Scanner(Array(value.utf8))
        var challenges: [AuthChallenge] = []
        while challenges.count < 16 {
            scanner.skip { $0 == .space || $0 == .tab || $0 == .comma }
            guard let scheme = scanner.token() else { break }
            var challenge = AuthChallenge(scheme: scheme.lowercased(), parameters: [:])
            parameters: while true {
                scanner.skip { $0 == .space || $0 == .tab }
                let mark = scanner.position
                guard let name = scanner.token() else {
                    // A token68 (`Negotiate abc==`) or junk: skip to the next comma.
                    scanner.skip { $0 != .comma }
                    break parameters
                }
                scanner.skip { $0 == .space || $0 == .tab }
                guard scanner.consume(.equals) else {
                    // `name` without `=`: the scheme of the next challenge.
                    scanner.position = mark
                    break parameters
                }
                scanner.skip { $0 == .space || $0 == .tab }
                let value = scanner.quotedString() ?? scanner.token() ?? ""
                if challenge.parameters.count < 32 { challenge.parameters[name.lowercased()] = value }
                scanner.skip { $0 == .space || $0 == .tab }
                guard scanner.consume(.comma) else {
                    // Junk after a value: drop it up to the next comma.
                    scanner.skip { $0 != .comma }
                    if !scanner.consume(.comma) { break parameters }
                    continue
                }
            }
            challenges.append(challenge)
        }
        return challenges
    }

    /// The challenge to answer: Bearer with a realm first (it also works without credentials),
    /// then Basic.
    static func preferred(_ challenges: [AuthChallenge]) -> AuthChallenge? {
        challenges.first { $0.scheme == "bearer" && !($0.realm ?? "").isEmpty } ?? challenges.first { $0.scheme == "basic" }
    }
}

/// A cursor over the bytes of a header value (RFC 9110 tokens and quoted strings).
private struct Scanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func skip(while predicate: (UInt8) -> Bool) {
        while position < bytes.count, predicate(bytes[position]) { position += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A run of `tchar` (and `/`, which token68 and some registries' unquoted values use).
    mutating func token() -> String? {
        let start = position
        skip { Self.isTokenByte($0) }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }

    /// A `"…"` with `\` escapes; an unterminated string runs to the end.
    mutating func quotedString() -> String? {
        guard consume(.quote) else { return nil }
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == .quote { break }
            if byte == .backslash, position < bytes.count {
                value.append(bytes[position])
                position += 1
            } else {
                value.append(byte)
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"),
            UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"):
            true
        default: false
        }
    }
}

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let equals = UInt8(ascii: "=")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
}
