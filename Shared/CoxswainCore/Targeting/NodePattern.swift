/// One entry of `--target`: an exact node name (`web-1`) or a shell-style glob over node names
/// (`web-*`, `web-[12]`, `db-?`, `web-[!3]`, `web-[1-4]`).
///
/// A `--target` value may be a comma list (`a,b,web-*`): `NodePattern.parseList(_:)` splits it.
public enum NodePattern: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A node name, which must exist.
    case exact(String)
    /// A glob, which must match at least one node.
    case glob(String)

    /// Characters that make a word a glob.
    static let globCharacters: Set<Character> = ["*", "?", "["]

    /// Parses one word (no commas): a valid node name, or a glob built from node-name characters
    /// and `*`, `?`, `[…]` (with `!` negation and `a-z` ranges).
    public init(parsing word: String) throws(TargetSyntaxError) {
        guard word.contains(where: Self.globCharacters.contains) else {
            guard NodeName.isValid(word) else {
                throw TargetSyntaxError(position: 1, problem: "'\(word)' is neither a node name (\(NodeNameError(name: word).description)) nor a glob")
            }
            self = .exact(word)
            return
        }
        guard word.count <= 255 else { throw TargetSyntaxError(position: 256, problem: "a glob is at most 255 characters") }
        let chars = Array(word)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "[" {
                // `[`, an optional `!`, at least one member (a first `]` is a member), then `]`.
                var j = i + 1
                if j < chars.count, chars[j] == "!" { j += 1 }
                var members = 0
                while j < chars.count, members == 0 || chars[j] != "]" {
                    guard Self.isNameCharacter(chars[j]) || chars[j] == "]" || chars[j] == "-" else {
                        throw TargetSyntaxError(position: j + 1, problem: "'\(chars[j])' cannot be in a node name")
                    }
                    members += 1
                    j += 1
                }
                guard j < chars.count else { throw TargetSyntaxError(position: chars.count + 1, problem: "expected ']' to close the '[' at \(i + 1)") }
                i = j + 1
            } else if Self.isNameCharacter(c) || c == "*" || c == "?" {
                i += 1
            } else {
                throw TargetSyntaxError(position: i + 1, problem: "'\(c)' cannot be in a node name")
            }
        }
        self = .glob(word)
    }

    /// Splits a comma list (`a,b,web-*`) into patterns; positions in errors count in `text`.
    public static func parseList(_ text: String) throws(TargetSyntaxError) -> [NodePattern] {
        var out: [NodePattern] = []
        var offset = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = String(part)
            guard !word.isEmpty else { throw TargetSyntaxError(position: offset + 1, problem: "expected a node name or glob") }
            do {
                out.append(try NodePattern(parsing: word))
            } catch {
                throw TargetSyntaxError(position: offset + error.position, problem: error.problem)
            }
            offset += word.count + 1
        }
        return out
    }

    /// Whether `name` is this node or matches this glob.
    public func matches(_ name: String) -> Bool {
        switch self {
        case .exact(let exact): name == exact
        case .glob(let glob): Self.glob(Array(glob), matches: Array(name))
        }
    }

    public var description: String {
        switch self {
        case .exact(let s), .glob(let s): s
        }
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_"
    }

    /// Glob matching with backtracking to the last `*` (linear in practice for node names).
    static func glob(_ pattern: [Character], matches name: [Character]) -> Bool {
        var p = 0
        var n = 0
        var star: (p: Int, n: Int)?
        while n < name.count {
            if p < pattern.count {
                switch pattern[p] {
                case "*":
                    star = (p, n)
                    p += 1
                    continue
                case "?":
                    p += 1
                    n += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(pattern, at: p, name[n]), matched {
                        p = next
                        n += 1
                        continue
                    }
                default:
                    if pattern[p] == name[n] {
                        p += 1
                        n += 1
                        continue
                    }
                }
            }
            guard let s = star else { return false }
            star = (s.p, s.n + 1)
            p = s.p + 1
            n = s.n + 1
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches `c` against the class starting at `pattern[start] == "["`: whether it matched and
    /// the index after the closing `]` (nil for an unclosed class, which parsing refuses).
    static func matchClass(_ pattern: [Character], at start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < pattern.count, pattern[i] == "!" {
            negated = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.count, first || pattern[i] != "]" {
            first = false
            if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if pattern[i] <= c && c <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if pattern[i] == c { matched = true }
                i += 1
            }
        }
        guard i < pattern.count else { return nil }
        return (matched != negated, i + 1)
    }
}
