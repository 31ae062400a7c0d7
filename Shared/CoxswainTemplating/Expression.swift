/// A parsed Jinja expression: what `{{ ... }}`, `{% if ... %}`, `{% for ... in ... %}` and
/// `{% set ... = ... %}` evaluate.
indirect enum Expression: Equatable {
    /// A positional (`label == nil`) or keyword argument of a call, filter or test.
    struct Argument: Equatable {
        var label: String?
        var value: Expression
    }

    enum BinaryOperator: String, Equatable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%"
        case power = "**", concatenate = "~"
    }

    enum ComparisonOperator: String, Equatable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case `in` = "in", notIn = "not in"
    }

    case literal(TemplateValue)
    case name(String)
    /// `base.name`
    case attribute(Expression, String)
    /// `base[key]`
    case item(Expression, Expression)
    /// `base[start:stop:step]`
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    /// `callee(arguments)`: a method when the callee is an attribute (`d.items()`), else a
    /// global function (`range(3)`).
    case call(Expression, [Argument])
    /// `base | name(arguments)`
    case filter(Expression, name: String, [Argument])
    /// `base is [not] name(arguments)`
    case test(Expression, name: String, [Argument], negated: Bool)
    case not(Expression)
    case negate(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `a < b <= c`: comparisons chain as in Python.
    case compare(Expression, [Comparison])
    /// A list or tuple literal.
    case list([Expression])
    case dict([DictEntry])
    /// `value if condition else otherwise`
    case conditional(Expression, condition: Expression, otherwise: Expression?)

    struct Comparison: Equatable {
        var op: ComparisonOperator
        var operand: Expression
    }

    struct DictEntry: Equatable {
        var key: Expression
        var value: Expression
    }

    /// The expression as a template author would write it, to name undefined values.
    var sourceText: String {
        switch self {
        case .literal(let value): value.pythonRepr
        case .name(let name): name
        case .attribute(let base, let name): "\(base.sourceText).\(name)"
        case .item(let base, let key): "\(base.sourceText)[\(key.sourceText)]"
        case .slice(let base, _, _, _): "\(base.sourceText)[...]"
        case .call(let callee, let arguments): "\(callee.sourceText)(\(arguments.isEmpty ? "" : "..."))"
        case .filter(let base, let name, _): "\(base.sourceText) | \(name)"
        case .test(let base, let name, _, let negated): "\(base.sourceText) is \(negated ? "not " : "")\(name)"
        case .not(let operand): "not \(operand.sourceText)"
        case .negate(let operand): "-\(operand.sourceText)"
        case .and(let lhs, let rhs): "\(lhs.sourceText) and \(rhs.sourceText)"
        case .or(let lhs, let rhs): "\(lhs.sourceText) or \(rhs.sourceText)"
        case .binary(let op, let lhs, let rhs): "\(lhs.sourceText) \(op.rawValue) \(rhs.sourceText)"
        case .compare(let first, let rest):
            ([first.sourceText] + rest.map { "\($0.op.rawValue) \($0.operand.sourceText)" }).joined(separator: " ")
        case .list(let items): "[" + items.map(\.sourceText).joined(separator: ", ") + "]"
        case .dict: "{...}"
        case .conditional(let value, let condition, _): "\(value.sourceText) if \(condition.sourceText) else ..."
        }
    }
}
