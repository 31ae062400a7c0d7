/// How expressions read values: truthiness, list elements, attributes and subscripts.
extension Value {
    /// Python truthiness; fails on an undefined value.
    func isTruthy() throws(EvalFailure) -> Bool {
        switch self {
        case .defined(let value): value.isTruthy
        case .undefined(let name): throw .undefined(name: name)
        case .sequence(let elements): !elements.isEmpty
        }
    }

    /// A list's elements (undefined elements included); fails on anything else.
    func elements() throws(EvalFailure) -> [Value] {
        switch self {
        case .sequence(let elements): return elements
        case .defined(.list(let values)): return values.map(Value.defined)
        case .undefined(let name): throw .undefined(name: name)
        case .defined(let value): throw .evaluation("expected a list, got '\(value.typeName)'")
        }
    }

    /// `value.name`: a map's key; anything else has no attributes (undefined).
    func attribute(_ name: String, source: Expression) -> Value {
        guard case .defined(.map(let map)) = self else { return isDefined ? .undefined(name: source.sourceText) : self }
        return map[name].map(Value.defined) ?? .undefined(name: source.sourceText)
    }

    /// `value[key]`: map keys (integers match their decimal key), list and string indexes
    /// (negative from the end); anything missing is undefined.
    func item(_ key: TemplateValue, source: Expression) throws(EvalFailure) -> Value {
        let missing = Value.undefined(name: source.sourceText)
        switch (self, key) {
        case (.defined(.map(let map)), .string(let name)): return map[name].map(Value.defined) ?? missing
        case (.defined(.map(let map)), .int(let index)): return map[String(index)].map(Value.defined) ?? missing
        case (.defined(.string(let text)), .int(let index)):
            let characters = Array(text)
            let position = index < 0 ? index + characters.count : index
            return characters.indices.contains(position) ? .defined(.string(String(characters[position]))) : missing
        case (.defined(.list), .int(let index)), (.sequence, .int(let index)):
            let elements = try self.elements()
            let position = index < 0 ? index + elements.count : index
            return elements.indices.contains(position) ? elements[position] : missing
        default: return missing
        }
    }
}
