import Foundation

/// The filters templates can use: Jinja's builtins that orchestrations and catalogs use, plus a
/// few Ansible ones (`to_json`, `quote`, `combine`, ...). An unknown filter is a syntax error
/// when the template is compiled.
enum FilterLibrary {
    static let names: Set<String> = [
        "abs", "attr", "b64decode", "b64encode", "basename", "bool", "capitalize", "combine", "count", "d", "default",
        "dict2items", "dictsort", "dirname", "first", "flatten", "float", "from_json", "indent", "int", "items", "join",
        "last", "length", "list", "lower", "mandatory", "map", "max", "min", "quote", "reject", "rejectattr", "replace",
        "reverse", "round", "select", "selectattr", "sort", "split", "string", "sum", "ternary", "title", "to_json",
        "to_nice_json", "tojson", "trim", "unique", "upper",
    ]

    /// Applies filter `name` to `input`; `source` is the filter expression and `inputSource`
    /// its input as written, to name undefined results.
    static func apply(
        _ name: String, to input: Value, arguments: Arguments, source: String, inputSource: String, evaluator: Evaluator
    ) throws(EvalFailure) -> Value {
        let call = FilterCall(name: name, input: input, arguments: arguments, source: source, inputSource: inputSource)
        switch name {
        case "default", "d":
            try call.expectArguments(at: 2)
            let fallback = arguments.value(0, "default_value") ?? .defined(.string(""))
            if !input.isDefined { return fallback }
            if try arguments.value(1, "boolean")?.require().isTruthy == true, !(try input.isTruthy()) { return fallback }
            return input
        case "mandatory":
            if case .undefined(let name) = input {
                if let message = arguments.value(0, "msg") { throw .filter(name: "mandatory", message: try message.require().pythonString) }
                throw .undefined(name: name)
            }
            return input
        case "join":
            try call.expectArguments(at: 2)
            let separator = try arguments.value(0, "d")?.require().pythonString ?? ""
            return .defined(
                .string(
                    try call.items(attribute: arguments.value(1, "attribute")).map { item throws(EvalFailure) in
                        try item.require().pythonString
                    }.joined(separator: separator)))
        case "length", "count":
            try call.expectArguments(at: 0)
            switch try call.defined() {
            case .string(let text): return .defined(.int(text.count))
            case .map(let map): return .defined(.int(map.count))
            default: return .defined(.int(try input.elements().count))
            }
        case "lower": return .defined(.string(try call.text().lowercased()))
        case "upper": return .defined(.string(try call.text().uppercased()))
        case "capitalize":
            let text = try call.text()
            return .defined(.string(text.prefix(1).uppercased() + text.dropFirst().lowercased()))
        case "title": return .defined(.string(try call.text().capitalized))
        case "trim":
            return .defined(.string(MethodLibrary.strip(try call.text(), try call.optionalText(0, "chars"), leading: true, trailing: true)))
        case "first", "last":
            try call.expectArguments(at: 0)
            let items = try input.iterated()
            return (name == "first" ? items.first : items.last) ?? .undefined(name: "\(source) (the sequence is empty)")
        case "list":
            try call.expectArguments(at: 0)
            return .list(try input.iterated())
        case "reverse":
            if case .string(let text) = try call.defined() { return .defined(.string(String(text.reversed()))) }
            return .list(try input.iterated().reversed())
        case "map":
            return try map(call, evaluator: evaluator)
        case "select", "reject":
            let items = try input.iterated()
            guard let test = arguments.positional.first else {
                return .list(try items.filtering { item throws(EvalFailure) in try item.isTruthy() == (name == "select") })
            }
            let testName = try test.require().pythonString
            let testArguments = Arguments(positional: Array(arguments.positional.dropFirst()), keyword: arguments.keyword)
            return .list(
                try items.filtering { item throws(EvalFailure) in
                    try TestLibrary.apply(testName, to: item, arguments: testArguments) == (name == "select")
                })
        case "selectattr", "rejectattr":
            guard let attribute = arguments.positional.first else { throw call.failure("needs an attribute name") }
            let path = try attribute.require().pythonString
            let test = try arguments.positional.dropFirst().first?.require().pythonString
            let testArguments = Arguments(positional: Array(arguments.positional.dropFirst(2)), keyword: arguments.keyword)
            return .list(
                try Array(input.iterated().enumerated()).filtering { index, item throws(EvalFailure) in
                    let value = try call.lookup(item, index: index, path: path)
                    let passes =
                        if let test { try TestLibrary.apply(test, to: value, arguments: testArguments) } else { try value.isTruthy() }
                    return passes == (name == "selectattr")
                }.map(\.element))
        case "int":
            try call.expectArguments(at: 2)
            let fallback = try arguments.value(0, "default")?.require() ?? .int(0)
            let base = try arguments.value(1, "base")?.require().integer("int base") ?? 10
            guard (2...36).contains(base) else { throw .evaluation("int base must be between 2 and 36, got \(base)") }
            return .defined(Self.integer(try call.defined(), base: base) ?? fallback)
        case "float":
            let fallback = try arguments.value(0, "default")?.require() ?? .double(0)
            return .defined(Self.float(try call.defined()).map(TemplateValue.double) ?? fallback)
        case "string":
            return .defined(.string(try call.text()))
        case "bool":
            switch try call.defined() {
            case .bool(let value): return .defined(.bool(value))
            case .int(let value): return .defined(.bool(value == 1))
            case let value: return .defined(.bool(["yes", "on", "1", "true"].contains(value.pythonString.lowercased())))
            }
        case "replace":
            try call.expectArguments(at: 3)
            guard let old = arguments.value(0, "old"), let new = arguments.value(1, "new") else {
                throw call.failure("needs the text to replace and its replacement: replace('old', 'new')")
            }
            let count = try arguments.value(2, "count")?.require().integer("replace count")
            return .defined(
                .string(
                    MethodLibrary.replace(
                        try call.text(), try old.require().pythonString, with: try new.require().pythonString, count: count)))
        case "split":
            return try MethodLibrary.call("split", on: .string(try call.text()), arguments: arguments, source: source)
        case "tojson", "to_json", "to_nice_json":
            var indent = try arguments.value(0, "indent")?.require().integer("indent") ?? (name == "to_nice_json" ? 4 : nil)
            if let i = indent { indent = min(max(i, 0), 32) }  // a negative or huge indent would trap or exhaust memory
            return .defined(.string(try call.defined().jsonText(indent: indent, htmlSafe: name == "tojson")))
        case "from_json":
            do {
                return .defined(try JSONDecoder().decode(TemplateValue.self, from: Data(try call.text().utf8)))
            } catch {
                throw call.failure("the text is not valid JSON")
            }
        case "items", "dictsort", "dict2items":
            guard case .map(let map) = try call.defined() else {
                throw call.failure("expects a dict, got '\(try call.defined().typeName)'")
            }
            let byValue = try arguments.value(1, "by")?.require() == .string("value")
            var keys = map.keys.sorted()
            if byValue { keys.sort { (try? Comparison.order(map[$0]!, map[$1]!, "<")) ?? 0 < 0 } }
            if try arguments.value(2, "reverse")?.require().isTruthy == true { keys.reverse() }
            if name == "dict2items" { return .defined(.list(keys.map { ["key": .string($0), "value": map[$0]!] })) }
            return .defined(.list(keys.map { [.string($0), map[$0]!] }))
        case "unique":
            var seen: [TemplateValue] = []
            let caseSensitive = try arguments.value(0, "case_sensitive")?.require().isTruthy ?? false
            let attribute = arguments.value(1, "attribute")
            var result: [Value] = []
            for (index, item) in try input.iterated().enumerated() {
                let key = Self.sortKey(try call.lookup(item, index: index, attribute: attribute).require(), caseSensitive: caseSensitive)
                if !seen.contains(where: { Comparison.equal($0, key) }) {
                    seen.append(key)
                    result.append(item)
                }
            }
            return .list(result)
        case "sort":
            let reverse = try arguments.value(0, "reverse")?.require().isTruthy ?? false
            let caseSensitive = try arguments.value(1, "case_sensitive")?.require().isTruthy ?? false
            let attribute = arguments.value(2, "attribute")
            let keyed = try input.iterated().enumerated().map { index, item throws(EvalFailure) in
                (item, Self.sortKey(try call.lookup(item, index: index, attribute: attribute).require(), caseSensitive: caseSensitive))
            }
            let sorted = try Self.stableSort(keyed) { a, b throws(EvalFailure) in try Comparison.order(a.1, b.1, "<") < 0 }
            return .list((reverse ? sorted.reversed() : sorted).map(\.0))
        case "min", "max":
            let caseSensitive = try arguments.value(0, "case_sensitive")?.require().isTruthy ?? false
            let attribute = arguments.value(1, "attribute")
            var best: (Value, TemplateValue)? = nil
            for (index, item) in try input.iterated().enumerated() {
                let key = Self.sortKey(try call.lookup(item, index: index, attribute: attribute).require(), caseSensitive: caseSensitive)
                let order = try best.map { current throws(EvalFailure) in try Comparison.order(key, current.1, "<") } ?? 0
                if best == nil || (name == "min" ? order < 0 : order > 0) { best = (item, key) }
            }
            return best?.0 ?? .undefined(name: "\(source) (the sequence is empty)")
        case "sum":
            var total = try arguments.value(1, "start")?.require() ?? .int(0)
            for item in try call.items(attribute: arguments.value(0, "attribute")) {
                total = try Arithmetic.apply(.add, total, try item.require())
            }
            return .defined(total)
        case "abs":
            switch try call.defined() {
            case .int(let value): return .defined(value == .min ? .double(-Double(value)) : .int(abs(value)))
            case .double(let value): return .defined(.double(abs(value)))
            case let value: throw call.failure("expects a number, got '\(value.typeName)'")
            }
        case "round":
            guard let number = try call.defined().number else { throw call.failure("expects a number") }
            let precision = try arguments.value(0, "precision")?.require().integer("round precision") ?? 0
            let method = try arguments.value(1, "method")?.require().pythonString ?? "common"
            let scale = pow(10, Double(precision))
            let rule: FloatingPointRoundingRule =
                switch method {
                case "ceil": .up
                case "floor": .down
                default: .toNearestOrAwayFromZero
                }
            return .defined(.double((number * scale).rounded(rule) / scale))
        case "indent":
            let width = try arguments.value(0, "width")?.require()
            let indentation: String
            if case .string(let text)? = width {
                indentation = text
            } else {
                indentation = String(repeating: " ", count: min(max(0, try width?.integer("indent width") ?? 4), 1_000))
            }
            let first = try arguments.value(1, "first")?.require().isTruthy ?? false
            let blank = try arguments.value(2, "blank")?.require().isTruthy ?? false
            let lines = try call.text().split(separator: "\n", omittingEmptySubsequences: false)
            return .defined(
                .string(
                    lines.enumerated().map { index, line in
                        (index == 0 && !first) || (line.isEmpty && !blank) ? String(line) : indentation + line
                    }.joined(separator: "\n")))
        case "quote":
            return .defined(.string(Self.shellQuote(try call.text())))
        case "b64encode":
            return .defined(.string(Data(try call.text().utf8).base64EncodedString()))
        case "b64decode":
            guard let data = Data(base64Encoded: try call.text()), let text = String(data: data, encoding: .utf8) else {
                throw call.failure("the text is not base64-encoded UTF-8")
            }
            return .defined(.string(text))
        case "basename", "dirname":
            let path = try call.text()
            let slash = path.lastIndex(of: "/")
            if name == "basename" { return .defined(.string(slash.map { String(path[path.index(after: $0)...]) } ?? path)) }
            guard let slash else { return .defined(.string("")) }
            let head = String(path[..<slash])
            return .defined(.string(head.isEmpty || head.allSatisfy({ $0 == "/" }) ? String(path[...slash]) : head))
        case "combine":
            guard case .map(var merged) = try call.defined() else { throw call.failure("expects a dict") }
            let recursive = try arguments.keyword["recursive"]?.require().isTruthy ?? false
            for argument in arguments.positional {
                guard case .map(let other) = try argument.require() else { throw call.failure("can only combine dicts") }
                merged = Self.merge(merged, other, recursive: recursive)
            }
            return .defined(.map(merged))
        case "flatten":
            let levels = try arguments.value(0, "levels")?.require().integer("flatten levels")
            let items = try input.elements().map { item throws(EvalFailure) in try item.require() }
            return .defined(.list(Self.flatten(items, levels: levels)))
        case "ternary":
            guard let whenTrue = arguments.value(0, "true_val"), let whenFalse = arguments.value(1, "false_val") else {
                throw call.failure("needs two values: ternary('yes', 'no')")
            }
            if let whenNone = arguments.value(2, "none_val"), try call.defined() == .null { return whenNone }
            return try input.isTruthy() ? whenTrue : whenFalse
        case "attr":
            guard let attribute = arguments.value(0, "name") else { throw call.failure("needs an attribute name") }
            return try call.lookup(input, index: nil, path: try attribute.require().pythonString, splitPath: false)
        default:
            throw .filter(name: name, message: "is not a known filter")
        }
    }

    /// `map(attribute='a.b', default=x)` or `map('filter', arguments...)`.
    private static func map(_ call: FilterCall, evaluator: Evaluator) throws(EvalFailure) -> Value {
        let items = try call.input.iterated()
        if let attribute = call.arguments.keyword["attribute"] {
            let path = try attribute.require().pythonString
            let fallback = call.arguments.keyword["default"]
            return .list(
                try items.enumerated().map { index, item throws(EvalFailure) in
                    let value = try call.lookup(item, index: index, path: path)
                    return value.isDefined ? value : fallback ?? value
                })
        }
        guard let filter = call.arguments.positional.first else {
            throw call.failure("needs an attribute or a filter: map(attribute='name') or map('lower')")
        }
        let filterName = try filter.require().pythonString
        guard names.contains(filterName) else { throw .filter(name: filterName, message: "is not a known filter") }
        let rest = Arguments(positional: Array(call.arguments.positional.dropFirst()), keyword: call.arguments.keyword)
        return .list(
            try items.map { item throws(EvalFailure) in
                try apply(filterName, to: item, arguments: rest, source: call.source, inputSource: call.inputSource, evaluator: evaluator)
            })
    }

    /// Python's `int(text, base)`, then `int(float(text))`; `nil` when neither parses.
    static func integer(_ value: TemplateValue, base: Int) -> TemplateValue? {
        switch value {
        case .int, .bool: return .int(try! value.integer("int"))
        case .double(let number): return number.isFinite && abs(number) < 9.2e18 ? .int(Int(number)) : nil
        case .string(let text):
            var digits = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
            var sign = 1
            if let first = digits.first, first == "-" || first == "+" {
                sign = first == "-" ? -1 : 1
                digits.removeFirst()
            }
            let prefixes = [16: "0x", 8: "0o", 2: "0b"]
            if let prefix = prefixes[base], digits.lowercased().hasPrefix(prefix) { digits.removeFirst(2) }
            if let number = Int(digits, radix: base) { return .int(sign == -1 ? -number : number) }
            return float(value).flatMap { $0.isFinite && abs($0) < 9.2e18 ? .int(Int($0)) : nil }
        default: return nil
        }
    }

    /// Python's `float(value)`.
    static func float(_ value: TemplateValue) -> Double? {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
            switch trimmed.lowercased() {
            case "inf", "+inf", "infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            case "nan": return .nan
            default: return Double(trimmed)
            }
        default: return value.number
        }
    }

    /// Python's `shlex.quote`.
    static func shellQuote(_ text: String) -> String {
        if text.isEmpty { return "''" }
        let safe = text.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "@%+=:,./-_".unicodeScalars.contains(scalar)
        }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    private static func sortKey(_ value: TemplateValue, caseSensitive: Bool) -> TemplateValue {
        if !caseSensitive, case .string(let text) = value { return .string(text.lowercased()) }
        return value
    }

    private static func stableSort<T>(_ items: [T], by less: (T, T) throws(EvalFailure) -> Bool) throws(EvalFailure) -> [T] {
        var failure: EvalFailure?
        let sorted = items.enumerated().sorted { a, b in
            do throws(EvalFailure) {
                if try less(a.element, b.element) { return true }
                if try less(b.element, a.element) { return false }
            } catch {
                failure = failure ?? error
            }
            return a.offset < b.offset
        }
        if let failure { throw failure }
        return sorted.map { $0.element }
    }

    private static func merge(_ base: [String: TemplateValue], _ other: [String: TemplateValue], recursive: Bool)
        -> [String: TemplateValue]
    {
        var merged = base
        for (key, value) in other {
            if recursive, case .map(let old)? = merged[key], case .map(let new) = value {
                merged[key] = .map(merge(old, new, recursive: true))
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    private static func flatten(_ items: [TemplateValue], levels: Int?) -> [TemplateValue] {
        items.flatMap { item -> [TemplateValue] in
            guard case .list(let inner) = item, levels.map({ $0 > 0 }) ?? true else { return [item] }
            return flatten(inner, levels: levels.map { $0 - 1 })
        }
    }
}

/// One application of a filter, with helpers that produce the filter's error messages.
private struct FilterCall {
    let name: String
    let input: Value
    let arguments: Arguments
    let source: String
    let inputSource: String

    func failure(_ message: String) -> EvalFailure { .filter(name: name, message: message) }

    func defined() throws(EvalFailure) -> TemplateValue { try input.require() }

    /// The input as Python's `str()` prints it.
    func text() throws(EvalFailure) -> String { try input.require().pythonString }

    func optionalText(_ index: Int, _ label: String) throws(EvalFailure) -> String? {
        try arguments.value(index, label)?.require().pythonString
    }

    func expectArguments(at most: Int) throws(EvalFailure) {
        if arguments.count > most { throw failure("takes at most \(most) argument\(most == 1 ? "" : "s"), got \(arguments.count)") }
    }

    /// The iterated input, or the `attribute` of each item.
    func items(attribute: Value?) throws(EvalFailure) -> [Value] {
        try input.iterated().enumerated().map { index, item throws(EvalFailure) in try lookup(item, index: index, attribute: attribute) }
    }

    func lookup(_ item: Value, index: Int, attribute: Value?) throws(EvalFailure) -> Value {
        guard let attribute else { return item }
        return try lookup(item, index: index, path: try attribute.require().pythonString)
    }

    /// Jinja's attribute getter: `a.b.0` looks up key `a`, then `b`, then index 0. A missing
    /// one is undefined, named like `hosts[2].ip` (the filter's input, the item, the path).
    func lookup(_ item: Value, index: Int?, path: String, splitPath: Bool = true) throws(EvalFailure) -> Value {
        var value = item
        let name = index.map { "\(inputSource)[\($0)].\(path)" } ?? "\(inputSource).\(path)"
        for part in splitPath ? path.split(separator: ".").map(String.init) : [path] {
            guard value.isDefined else { return value }
            let key: TemplateValue = Int(part).map(TemplateValue.int) ?? .string(part)
            value = try value.item(key, source: .name(name))
        }
        return value
    }
}
