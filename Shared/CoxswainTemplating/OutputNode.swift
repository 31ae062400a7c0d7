import Stencil

/// `{{ expression }}`: prints the value as Python's `str()` does; undefined fails.
final class OutputNode: NodeType {
    let expression: Expression
    let location: NodeLocation
    let token: Token?

    init(expression: Expression, location: NodeLocation, token: Token) {
        self.expression = expression
        self.location = location
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        let value = try location.evaluate(expression, in: context)
        return try location.run { () throws(EvalFailure) in try value.require().pythonString }
    }
}
