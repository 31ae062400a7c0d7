/// Python comparison semantics for template values: `==` across int and float, ordering of
/// numbers, strings and lists, and `in` for substrings, list elements and map keys.
enum Comparison {
    static func holds(_ lhs: Value, _ op: Expression.ComparisonOperator, _ rhs: Value) throws(EvalFailure) -> Bool {
        switch op {
        case .equal: return equal(try lhs.require(), try rhs.require())
        case .notEqual: return !equal(try lhs.require(), try rhs.require())
        case .less: return try order(try lhs.require(), try rhs.require(), "<") < 0
        case .lessOrEqual: return try order(try lhs.require(), try rhs.require(), "<=") <= 0
        case .greater: return try order(try lhs.require(), try rhs.require(), ">") > 0
        case .greaterOrEqual: return try order(try lhs.require(), try rhs.require(), ">=") >= 0
        case .in: return try contains(rhs, try lhs.require())
        case .notIn: return !(try contains(rhs, try lhs.require()))
        }
    }

    /// Python `==`: `1 == 1.0`, `True == 1`, lists and maps compared element by element.
    static func equal(_ lhs: TemplateValue, _ rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        case (.null, .null): return true
        default:
            if let a = exactNumber(lhs), let b = exactNumber(rhs) { return a == b }
            return false
        }
    }

    /// Python ordering: negative when `lhs < rhs`, zero when equal, positive when greater.
    static func order(_ lhs: TemplateValue, _ rhs: TemplateValue, _ symbol: String) throws(EvalFailure) -> Int {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? -1 : a == b ? 0 : 1
        case (.string(let a), .string(let b)): return a < b ? -1 : a == b ? 0 : 1
        case (.list(let a), .list(let b)):
            for (x, y) in zip(a, b) where !equal(x, y) { return try order(x, y, symbol) }
            return a.count < b.count ? -1 : a.count == b.count ? 0 : 1
        default:
            guard let a = exactNumber(lhs), let b = exactNumber(rhs) else {
                throw .evaluation("'\(symbol)' not supported between '\(lhs.typeName)' and '\(rhs.typeName)'")
            }
            return a < b ? -1 : a == b ? 0 : 1
        }
    }

    /// Python `needle in haystack`.
    static func contains(_ haystack: Value, _ needle: TemplateValue) throws(EvalFailure) -> Bool {
        switch haystack {
        case .undefined(let name): throw .undefined(name: name)
        case .sequence(let elements):
            return elements.contains { if case .defined(let element) = $0 { equal(element, needle) } else { false } }
        case .defined(.list(let elements)): return elements.contains { equal($0, needle) }
        case .defined(.map(let map)):
            guard case .string(let key) = needle else { return false }
            return map[key] != nil
        case .defined(.string(let text)):
            guard case .string(let part) = needle else {
                throw .evaluation("'in <string>' requires a string on the left, not '\(needle.typeName)'")
            }
            return part.isEmpty || text.contains(part)
        case .defined(let value): throw .evaluation("argument of type '\(value.typeName)' is not iterable")
        }
    }

    /// A number compared without losing integer precision; booleans count as 0 and 1.
    private static func exactNumber(_ value: TemplateValue) -> Number? {
        switch value {
        case .int(let value): .int(value)
        case .bool(let value): .int(value ? 1 : 0)
        case .double(let value): .double(value)
        default: nil
        }
    }

    private enum Number: Comparable {
        case int(Int)
        case double(Double)

        static func < (lhs: Number, rhs: Number) -> Bool {
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)): a < b
            case (.double(let a), .double(let b)): a < b
            case (.int(let a), .double(let b)): Double(a) < b
            case (.double(let a), .int(let b)): a < Double(b)
            }
        }

        static func == (lhs: Number, rhs: Number) -> Bool {
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)): a == b
            case (.double(let a), .double(let b)): a == b
            case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Int(exactly: b) == a
            }
        }
    }
}
