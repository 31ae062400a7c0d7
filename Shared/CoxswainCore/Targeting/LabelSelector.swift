/// A Kubernetes-style selector over a node's labels or facts: requirements separated by commas,
/// all of which must hold.
///
/// ```
/// role=web                 key equals value (`==` too)
/// role!=db                 key differs from value, or is absent
/// dc in (eu1,eu2)          key is one of the values
/// dc notin (us1)           key is none of the values, or is absent
/// gpu                      key exists
/// !gpu                     key is absent
/// ```
///
/// Keys are letters, digits and `-_./` (a dotted key walks into nested facts: `facter.os.family`);
/// values are any characters but blanks and `,()=!`. A value matches a list-valued fact when the
/// list holds it. Several selectors (several `--target-label` flags) are OR-ed by the caller.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    /// One requirement of a selector.
    public enum Requirement: Sendable, Equatable, CustomStringConvertible {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, [String])
        case notIn(String, [String])
        case exists(String)
        case absent(String)

        /// Whether the values (each key's value or values) satisfy this requirement.
        public func matches(_ values: [String: [String]]) -> Bool {
            switch self {
            case .equals(let k, let v): values[k]?.contains(v) ?? false
            case .notEquals(let k, let v): !(values[k]?.contains(v) ?? false)
            case .in(let k, let set): values[k]?.contains(where: set.contains) ?? false
            case .notIn(let k, let set): !(values[k]?.contains(where: set.contains) ?? false)
            case .exists(let k): values[k] != nil
            case .absent(let k): values[k] == nil
            }
        }

        public var description: String {
            switch self {
            case .equals(let k, let v): "\(k)=\(v)"
            case .notEquals(let k, let v): "\(k)!=\(v)"
            case .in(let k, let set): "\(k) in (\(set.joined(separator: ",")))"
            case .notIn(let k, let set): "\(k) notin (\(set.joined(separator: ",")))"
            case .exists(let k): k
            case .absent(let k): "!\(k)"
            }
        }
    }

    /// The requirements, all of which must hold.
    public var requirements: [Requirement]

    /// A selector of these requirements.
    public init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// The selector `k=v,…` of an exact label map (the `targetLabels` of older clients).
    public init(labels: [String: String]) {
        requirements = labels.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
    }

    /// Parses `text`; errors name the 1-based position and what was expected there.
    public init(parsing text: String) throws(TargetSyntaxError) {
        var parser = Parser(Array(text))
        requirements = try parser.selector()
    }

    /// Whether every requirement holds for these values.
    public func matches(_ values: [String: [String]]) -> Bool { requirements.allSatisfy { $0.matches(values) } }

    /// Whether every requirement holds for these labels.
    public func matches(labels: [String: String]) -> Bool { matches(labels.mapValues { [$0] }) }

    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// A recursive-descent parser over the characters of one selector.
    struct Parser {
        let chars: [Character]
        var i = 0

        init(_ chars: [Character]) { self.chars = chars }

        static func isKeyCharacter(_ c: Character) -> Bool {
            c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." || c == "/")
        }

        static func isValueCharacter(_ c: Character) -> Bool {
            !c.isWhitespace && !",()=!".contains(c)
        }

        /// 1-based position of the current character.
        var position: Int { i + 1 }

        mutating func skipBlanks() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

        func found() -> String { i < chars.count ? "'\(chars[i])'" : "the end" }

        mutating func selector() throws(TargetSyntaxError) -> [Requirement] {
            var out: [Requirement] = []
            skipBlanks()
            while true {
                guard i < chars.count else {
                    throw TargetSyntaxError(position: position, problem: "expected a requirement (key=value, key in (a,b), key, !key)")
                }
                out.append(try requirement())
                skipBlanks()
                guard i < chars.count else { return out }
                guard chars[i] == "," else {
                    throw TargetSyntaxError(position: position, problem: "expected ',' or the end after '\(out[out.count - 1])', found \(found())")
                }
                i += 1
                skipBlanks()
            }
        }

        mutating func word(_ allowed: (Character) -> Bool) -> String {
            let start = i
            while i < chars.count, allowed(chars[i]) { i += 1 }
            return String(chars[start..<i])
        }

        mutating func key() throws(TargetSyntaxError) -> String {
            skipBlanks()
            let k = word(Self.isKeyCharacter)
            guard !k.isEmpty else { throw TargetSyntaxError(position: position, problem: "expected a key, found \(found())") }
            guard k.count <= 253 else { throw TargetSyntaxError(position: position, problem: "a key is at most 253 characters") }
            return k
        }

        mutating func value(after what: String) throws(TargetSyntaxError) -> String {
            skipBlanks()
            let v = word(Self.isValueCharacter)
            guard !v.isEmpty else { throw TargetSyntaxError(position: position, problem: "expected a value after '\(what)', found \(found())") }
            return v
        }

        mutating func requirement() throws(TargetSyntaxError) -> Requirement {
            skipBlanks()
            if i < chars.count, chars[i] == "!" {
                i += 1
                return .absent(try key())
            }
            let k = try key()
            skipBlanks()
            guard i < chars.count, chars[i] != "," else { return .exists(k) }
            if chars[i] == "=" {
                i += 1
                if i < chars.count, chars[i] == "=" { i += 1 }
                return .equals(k, try value(after: "\(k)="))
            }
            if chars[i] == "!" {
                guard i + 1 < chars.count, chars[i + 1] == "=" else {
                    throw TargetSyntaxError(position: position + 1, problem: "expected '=' after '\(k)!'")
                }
                i += 2
                return .notEquals(k, try value(after: "\(k)!="))
            }
            let operatorStart = position
            let op = word { $0.isLetter }
            guard op == "in" || op == "notin" else {
                throw TargetSyntaxError(
                    position: operatorStart,
                    problem: "expected '=', '!=', 'in', 'notin', ',' or the end after '\(k)', found \(op.isEmpty ? found() : "'\(op)'")")
            }
            skipBlanks()
            guard i < chars.count, chars[i] == "(" else { throw TargetSyntaxError(position: position, problem: "expected '(' after '\(op)', found \(found())") }
            i += 1
            var values: [String] = []
            while true {
                values.append(try value(after: values.last ?? "("))
                skipBlanks()
                guard i < chars.count else { throw TargetSyntaxError(position: position, problem: "expected ')' after '\(values[values.count - 1])'") }
                if chars[i] == ")" {
                    i += 1
                    break
                }
                guard chars[i] == "," else {
                    throw TargetSyntaxError(position: position, problem: "expected ',' or ')' after '\(values[values.count - 1])', found \(found())")
                }
                i += 1
            }
            return op == "in" ? .in(k, values) : .notIn(k, values)
        }
    }
}
