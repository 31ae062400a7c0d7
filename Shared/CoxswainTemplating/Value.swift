/// What an expression evaluates to while a template renders: a defined value, or a Jinja
/// "undefined" that remembers the expression that produced it.
///
/// Undefined values flow freely (`a.b.c` on a missing `a.b` stays undefined) so that `default`,
/// `is defined` and `select('defined')` can look at them; any other use — printing, testing its
/// truth, comparing, iterating, most filters — fails with the remembered name. That is Jinja's
/// `StrictUndefined`, except that attribute access on an undefined value is allowed (as with
/// `ChainableUndefined`).
enum Value: Sendable {
    case defined(TemplateValue)
    case undefined(name: String)
    /// A list that holds at least one undefined element (from `map(attribute=...)` or a list
    /// literal); lists of defined elements are always `.defined(.list)`.
    case sequence([Value])

    static let none = Value.defined(.null)

    /// Builds a list value, `.sequence` only when an element is undefined.
    static func list(_ elements: [Value]) -> Value {
        var values: [TemplateValue] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            guard case .defined(let value) = element else { return .sequence(elements) }
            values.append(value)
        }
        return .defined(.list(values))
    }

    var isDefined: Bool {
        if case .undefined = self { return false }
        return true
    }

    /// The defined value, or the undefined error naming what was missing.
    func require() throws(EvalFailure) -> TemplateValue {
        switch self {
        case .defined(let value): return value
        case .undefined(let name): throw .undefined(name: name)
        case .sequence(let elements): return .list(try elements.map { element throws(EvalFailure) in try element.require() })
        }
    }

    /// The elements Jinja iterates: a list's elements, a map's keys (sorted), a string's
    /// characters.
    func iterated() throws(EvalFailure) -> [Value] {
        switch self {
        case .sequence(let elements): return elements
        case .undefined(let name): throw .undefined(name: name)
        case .defined(let value):
            switch value {
            case .list(let values): return values.map(Value.defined)
            case .map(let map): return map.keys.sorted().map { .defined(.string($0)) }
            case .string(let text): return text.map { .defined(.string(String($0))) }
            default: throw .evaluation("'\(value.typeName)' object is not iterable")
            }
        }
    }
}
