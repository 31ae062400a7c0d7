import CoxswainCore

/// `{{ version }}` in environment values: replaced with the version's name when a deployment's
/// configuration is layered for a rollout. It is the only variable, and only environment values are
/// rendered.
///
/// A placeholder is `{{`, optional spaces, an expression, optional spaces, `}}`:
/// - `version` is replaced (`{{version}}` and `{{  version }}` too);
/// - any other expression starting with a letter or `_` (`{{ verison }}`, `{{ version | upper }}`,
///   `{{ node }}`) is refused by `problems(in:at:)` when the configuration is saved, so that a typo
///   is not shipped to a container unrendered; `render` leaves it as it is;
/// - anything else between braces (`{{.Time}}` for a Go program, `{{"a":1}}`) is left as it is.
public enum VersionTemplating {
    /// The one variable.
    public static let variable = "version"

    /// `value` with every `{{ version }}` replaced by `version` (in one pass: a version name holding
    /// `{{ version }}` is not rendered again).
    public static func render(_ value: String, version: String) -> String {
        let bytes = Array(value.utf8)
        let found = placeholders(in: bytes).filter { $0.expression == variable }
        guard !found.isEmpty else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var next = 0
        for placeholder in found {
            out += bytes[next..<placeholder.range.lowerBound]
            out += version.utf8
            next = placeholder.range.upperBound
        }
        out += bytes[next...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The effective configuration with its environment rendered; provenance unchanged.
    public static func render(_ effective: EffectiveConfig, version: String) -> EffectiveConfig {
        var rendered = effective
        rendered.config = render(effective.config, version: version)
        return rendered
    }

    /// The configuration with its environment rendered.
    public static func render(_ config: ContainerConfig, version: String) -> ContainerConfig {
        var rendered = config
        rendered.environment = config.environment?.mapValues { render($0, version: version) }
        return rendered
    }

    /// The expressions in `value` that are refused: every placeholder starting with a letter or `_`
    /// other than `version`.
    public static func unsupportedExpressions(in value: String) -> [String] {
        placeholders(in: Array(value.utf8)).map(\.expression).filter { $0 != variable }
    }

    /// The environment values of `config` that use anything but `{{ version }}`, each naming its
    /// variable under `root` (`images[web].environment.URL`).
    public static func problems(in config: ContainerConfig, at root: String = "") -> [ConfigProblem] {
        guard let environment = config.environment else { return [] }
        var problems: [ConfigProblem] = []
        for key in environment.keys.sorted() {
            for expression in unsupportedExpressions(in: environment[key] ?? "") {
                let path = root.isEmpty ? "environment.\(key)" : "\(root).environment.\(key)"
                let shown = expression.count > 64 ? String(expression.prefix(64)) + "…" : expression
                problems.append(ConfigProblem(path: path, message: "'{{ \(shown) }}' is not supported: only {{ version }} is replaced"))
            }
        }
        return problems
    }

    private struct Placeholder {
        /// Byte range of `{{ … }}`, braces included.
        var range: Range<Int>
        /// Between the braces, spaces trimmed.
        var expression: String
    }

    /// Placeholders starting with a letter or `_`, left to right, not overlapping. Linear in the
    /// value's length: an expression longer than `maximumExpression` bytes is not one.
    private static func placeholders(in bytes: [UInt8]) -> [Placeholder] {
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        let maximumExpression = 256
        // nextClose[i]: the first j >= i where `}}` starts, or nil.
        var nextClose = [Int?](repeating: nil, count: bytes.count + 1)
        if bytes.count >= 2 {
            for i in stride(from: bytes.count - 2, through: 0, by: -1) {
                nextClose[i] = bytes[i] == close && bytes[i + 1] == close ? i : nextClose[i + 1]
            }
        }
        func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        func startsExpression(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) || b == UInt8(ascii: "_")
        }
        var found: [Placeholder] = []
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == open, bytes[i + 1] == open, let end = nextClose[i + 2] else {
                i += 1
                continue
            }
            var start = i + 2
            var stop = end
            guard stop - start <= maximumExpression + 16 else {  // room for spaces around it
                i += 1
                continue
            }
            while start < stop, isSpace(bytes[start]) { start += 1 }
            while stop > start, isSpace(bytes[stop - 1]) { stop -= 1 }
            guard start < stop, startsExpression(bytes[start]), stop - start <= maximumExpression else {
                i += 1
                continue
            }
            found.append(Placeholder(range: i..<(end + 2), expression: String(decoding: bytes[start..<stop], as: UTF8.self)))
            i = end + 2
        }
        return found
    }
}
