/// Python semantics for template values: how Jinja prints, tests and serialises them, so that
/// Coxswain renders what Directord renders.
extension TemplateValue {
    /// The text `{{ value }}` prints: Python's `str()` (`True`, `None`, `['a', 1]`, `{'k': 'v'}`).
    package var pythonString: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): Self.pythonFloat(value)
        case .bool(let value): value ? "True" : "False"
        case .null: "None"
        case .list, .map: pythonRepr
        }
    }

    /// Python's `repr()`: strings quoted, containers with `, ` and `: ` separators, map keys sorted.
    package var pythonRepr: String {
        switch self {
        case .string(let value): Self.pythonQuoted(value)
        case .list(let values): "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .map(let map):
            "{" + map.keys.sorted().map { "\(Self.pythonQuoted($0)): \(map[$0]!.pythonRepr)" }.joined(separator: ", ")
                + "}"
        default: pythonString
        }
    }

    /// Python truthiness: empty strings, lists and maps, zero, `false` and `none` are false.
    package var isTruthy: Bool {
        switch self {
        case .string(let value): !value.isEmpty
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .bool(let value): value
        case .null: false
        case .list(let values): !values.isEmpty
        case .map(let map): !map.isEmpty
        }
    }

    /// The Python type name, for error messages.
    package var typeName: String {
        switch self {
        case .string: "str"
        case .int: "int"
        case .double: "float"
        case .bool: "bool"
        case .null: "NoneType"
        case .list: "list"
        case .map: "dict"
        }
    }

    /// JSON text as Python's `json.dumps(value, sort_keys=True)` writes it: `, ` and `: `
    /// separators (or newlines and `indent` spaces), non-ASCII escaped as `\uXXXX`.
    ///
    /// - Parameters:
    ///   - indent: Spaces per nesting level; `nil` for one line.
    ///   - htmlSafe: Also escape `<`, `>`, `&` and `'`, as Jinja's `tojson` does.
    package func jsonText(indent: Int? = nil, htmlSafe: Bool = false) -> String {
        var output = ""
        writeJSON(into: &output, indent: indent, level: 0, htmlSafe: htmlSafe)
        return output
    }

    private func writeJSON(into output: inout String, indent: Int?, level: Int, htmlSafe: Bool) {
        func newline(_ level: Int) {
            if let indent { output += "\n" + String(repeating: " ", count: max(0, min(indent, 32)) * min(level, 1000)) }
        }
        switch self {
        case .string(let value): Self.writeJSONString(value, into: &output, htmlSafe: htmlSafe)
        case .int(let value): output += String(value)
        case .double(let value):
            output += value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : Self.pythonFloat(value)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .list(let values):
            guard !values.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += indent == nil ? ", " : "," }
                newline(level + 1)
                value.writeJSON(into: &output, indent: indent, level: level + 1, htmlSafe: htmlSafe)
            }
            newline(level)
            output += "]"
        case .map(let map):
            guard !map.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (index, key) in map.keys.sorted().enumerated() {
                if index > 0 { output += indent == nil ? ", " : "," }
                newline(level + 1)
                Self.writeJSONString(key, into: &output, htmlSafe: htmlSafe)
                output += ": "
                map[key]!.writeJSON(into: &output, indent: indent, level: level + 1, htmlSafe: htmlSafe)
            }
            newline(level)
            output += "}"
        }
    }

    private static func writeJSONString(_ value: String, into output: inout String, htmlSafe: Bool) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "<" where htmlSafe, ">" where htmlSafe, "&" where htmlSafe, "'" where htmlSafe:
                output += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let offset = scalar.value - 0x10000
                        output += unicodeEscape(0xD800 + (offset >> 10)) + unicodeEscape(0xDC00 + (offset & 0x3FF))
                    } else {
                        output += unicodeEscape(scalar.value)
                    }
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Python's float `repr`: always shows a fraction or exponent (`1.0`, `0.25`, `1e+20`).
    package static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let text = value.description
        return text.contains(where: { $0 == "." || $0 == "e" }) ? text : text + ".0"
    }

    /// A string as Python's `repr` quotes it: single quotes unless the text holds a single quote
    /// and no double quote.
    package static func pythonQuoted(_ value: String) -> String {
        let quote: Character = value.contains("'") && !value.contains("\"") ? "\"" : "'"
        var output = String(quote)
        for character in value {
            switch character {
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case quote: output += "\\" + String(quote)
            default: output.append(character)
            }
        }
        output.append(quote)
        return output
    }
}
