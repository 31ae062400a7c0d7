import Yams

extension YAMLValue {
    /// Why a YAML node could not become a ``YAMLValue`` (only a map key that is itself a list
    /// or a map). `line` is the node's 1-based line when Yams knows it.
    struct ConversionFailure: Error {
        var line: Int?
        var problem: String
    }

    /// Converts a composed YAML node the way PyYAML's `safe_load` (which Directord uses)
    /// reads it: YAML 1.1 scalars, so `yes`/`no`/`on`/`off` are booleans, `~` and an empty
    /// value are `null`, and quoted scalars are always text. Timestamps stay text.
    init(document node: Node) throws(ConversionFailure) {
        switch node {
        case .scalar(let scalar):
            self = Self.documentScalar(scalar)
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            for item in sequence { items.append(try YAMLValue(document: item)) }
            self = .list(items)
        case .mapping(let mapping):
            var entries: [String: YAMLValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConversionFailure(line: key.mark?.line, problem: "a map key must be a plain value, not a list or a map")
                }
                entries[keyScalar.string] = try YAMLValue(document: value)
            }
            self = .map(entries)
        case .alias:
            self = .null
        }
    }

    private static func documentScalar(_ scalar: Node.Scalar) -> YAMLValue {
        switch scalar.resolvedTagName {
        case .null:
            return .null
        case .bool:
            return Bool.construct(from: scalar).map(YAMLValue.bool) ?? .string(scalar.string)
        case .int:
            if let number = Int.construct(from: scalar) { return .int(number) }
            return Double.construct(from: scalar).map(YAMLValue.double) ?? .string(scalar.string)
        case .float:
            return Double.construct(from: scalar).map(YAMLValue.double) ?? .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }

    /// Reads the VALUE of an inline `ARG`/`ENV` (`ARG: ports [80, 443]`).
    ///
    /// Directord evaluates it as a Python literal and keeps the text when that fails. Coxswain
    /// keeps the same outcome for the values real files use, reading literals as YAML flow:
    /// - `[...]` and `{...}` are parsed as YAML flow collections (JSON and Python-style quoting
    ///   both work); inside them quoted items are text and plain items follow the rules below;
    /// - a wholly quoted value (`"a b"`, `'a b'`) is the text inside the quotes;
    /// - a plain value is an `int` (`42`, `-7`; no leading zeros, so `0755` stays text as in
    ///   Python), a `double` (`1.2`, `1e3`), a `bool` (`true`/`True`/`false`/`False`),
    ///   `null` (`null`/`None`), and text otherwise (`yes`, `on`, `0.0.0.0`, `a: b`, `#fff`).
    ///
    /// A value that looks like a collection or a quoted string but is not valid YAML stays text.
    static func literal(_ text: String) -> YAMLValue {
        let trimmed = text.trimmingWhitespace()
        guard let first = trimmed.first else { return .string("") }
        switch first {
        case "[", "{":
            guard let root = try? Yams.compose(yaml: trimmed, .basic), let value = try? literal(node: root), value.isCollection
            else { return .string(trimmed) }
            return value
        case "\"", "'":
            guard let root = try? Yams.compose(yaml: trimmed, .basic), case .scalar(let scalar) = root,
                scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            else { return .string(trimmed) }
            return .string(scalar.string)
        default:
            return plainLiteral(trimmed)
        }
    }

    private var isCollection: Bool {
        switch self {
        case .list, .map: true
        default: false
        }
    }

    private static func literal(node: Node) throws(ConversionFailure) -> YAMLValue {
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? plainLiteral(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            for item in sequence { items.append(try literal(node: item)) }
            return .list(items)
        case .mapping(let mapping):
            var entries: [String: YAMLValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { throw ConversionFailure(line: nil, problem: "nested map key") }
                entries[keyScalar.string] = try literal(node: value)
            }
            return .map(entries)
        case .alias:
            throw ConversionFailure(line: nil, problem: "alias")
        }
    }

    /// A plain (unquoted) literal word: a number, a boolean, null, or text.
    static func plainLiteral(_ text: String) -> YAMLValue {
        switch text {
        case "true", "True": return .bool(true)
        case "false", "False": return .bool(false)
        case "null", "None": return .null
        default: break
        }
        if Self.isIntegerLiteral(text), let number = Int(text) { return .int(number) }
        if Self.isFloatLiteral(text), let number = Double(text) { return .double(number) }
        return .string(text)
    }

    /// `[+-]?(0|[1-9][0-9]*)`.
    static func isIntegerLiteral(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard let first = digits.first, digits.allSatisfy(\.isASCIIDigit) else { return false }
        return first != "0" || digits.count == 1
    }

    /// `[+-]?` then digits with a `.` (`1.`, `.5`, `1.5`) and/or an exponent (`1e3`, `1.5E-2`).
    static func isFloatLiteral(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        let exponent = rest.dropFirst(mantissa.count)
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), parts.contains(where: { !$0.isEmpty }) else { return false }
        if exponent.isEmpty { return parts.count == 2 }
        var power = exponent.dropFirst()
        if power.first == "+" || power.first == "-" { power = power.dropFirst() }
        return !power.isEmpty && power.allSatisfy(\.isASCIIDigit)
    }
}

extension Node.Scalar {
    /// The scalar's tag after implicit resolution (`tag:yaml.org,2002:bool` for a plain `yes`).
    var resolvedTagName: Tag.Name { Node.scalar(self).resolvedTagName }
}

extension Node {
    /// The node's tag after implicit resolution.
    var resolvedTagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespace })!
        return String(self[start...end])
    }
}

extension YAMLValue {
    /// Parses a whole YAML (or JSON) document, e.g. a CACHEFILE on a node.
    package static func parse(yaml: String, file: String) throws(OrchestrationError) -> YAMLValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw .document(file: file, line: nil, problem: "not valid YAML or JSON")
        }
        guard let node else { return .null }
        do {
            return try YAMLValue(document: node)
        } catch {
            throw .document(file: file, line: nil, problem: "unsupported value")
        }
    }
}
