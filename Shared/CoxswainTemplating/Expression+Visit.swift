/// Walking an expression tree, to check filter and test names when a template compiles.
extension Expression {
    /// Calls `body` on this expression and every expression inside it.
    func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .literal, .name: break
        case .attribute(let base, _): base.visit(body)
        case .item(let base, let key):
            base.visit(body)
            key.visit(body)
        case .slice(let base, let start, let stop, let step):
            for part in [base, start, stop, step].compactMap({ $0 }) { part.visit(body) }
        case .call(let base, let arguments), .filter(let base, _, let arguments), .test(let base, _, let arguments, _):
            base.visit(body)
            for argument in arguments { argument.value.visit(body) }
        case .not(let operand), .negate(let operand): operand.visit(body)
        case .and(let lhs, let rhs), .or(let lhs, let rhs), .binary(_, let lhs, let rhs):
            lhs.visit(body)
            rhs.visit(body)
        case .compare(let first, let rest):
            first.visit(body)
            for comparison in rest { comparison.operand.visit(body) }
        case .list(let items): for item in items { item.visit(body) }
        case .dict(let entries):
            for entry in entries {
                entry.key.visit(body)
                entry.value.visit(body)
            }
        case .conditional(let value, let condition, let otherwise):
            value.visit(body)
            condition.visit(body)
            otherwise?.visit(body)
        }
    }
}
