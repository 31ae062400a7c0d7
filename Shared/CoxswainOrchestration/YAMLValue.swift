/// A JSON-like value read from an orchestration: a job's `vars`, or an `ARG`/`ENV` value
/// written as a literal (`ARG: ports [80, 443]`).
///
/// It encodes as plain JSON (`"x"`, `1`, `1.5`, `true`, `null`, `[...]`, `{...}`), so it can
/// travel inside messages unchanged. A whole-number `double` encodes as a JSON integer and
/// decodes back as `int`: compare numbers with ``numberValue`` when that matters.
package indirect enum YAMLValue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A number with a fraction or an exponent.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An explicit "no value" (`null`, `~`, `None`, or an empty value in YAML).
    case null
    /// An ordered list.
    case list([YAMLValue])
    /// A map with text keys (non-text YAML keys are kept as their text).
    case map([String: YAMLValue])

    /// The text of a scalar (`"80"` for `.int(80)`, `"true"` for `.bool(true)`), `nil` for
    /// `null`, lists and maps.
    package var scalarText: String? {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null, .list, .map: nil
        }
    }

    /// The value as a `Double` when it is a number, `nil` otherwise.
    package var numberValue: Double? {
        switch self {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    /// A short rendering for messages: scalars as written, collections as JSON-like text.
    package var description: String {
        switch self {
        case .string(let text): text
        case .int, .double, .bool: scalarText ?? ""
        case .null: "null"
        case .list(let items): "[" + items.map(\.quotedDescription).joined(separator: ", ") + "]"
        case .map(let entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.quotedDescription)" }.joined(separator: ", ") + "}"
        }
    }

    private var quotedDescription: String {
        if case .string(let text) = self { return "\"\(text)\"" }
        return description
    }

    /// Decodes any JSON value.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([YAMLValue].self) {
            self = .list(items)
        } else if let entries = try? container.decode([String: YAMLValue].self) {
            self = .map(entries)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON-like value")
        }
    }

    /// Encodes as the plain JSON value.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .int(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        case .list(let items): try container.encode(items)
        case .map(let entries): try container.encode(entries)
        }
    }
}
