/// Numeric views of template values for arguments, arithmetic and comparisons.
extension TemplateValue {
    /// This value as an integer argument of `what`; floats are truncated.
    func integer(_ what: String) throws(EvalFailure) -> Int {
        switch self {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        case .double(let value) where value.isFinite && abs(value) < 9.2e18: return Int(value)
        default: throw .evaluation("\(what) expects an integer, got '\(typeName)'")
        }
    }

    /// This value as a number, `nil` when it is not one (booleans count, as in Python).
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }
}
