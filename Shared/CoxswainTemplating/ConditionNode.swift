import Stencil

/// `{% if %}...{% elif %}...{% else %}...{% endif %}`. Unlike Stencil's `if` it opens no scope:
/// a `{% set %}` inside is seen after it, as in Jinja.
final class ConditionNode: NodeType {
    struct Branch {
        /// `nil` for `else`.
        let condition: Expression?
        let location: NodeLocation
        let nodes: [NodeType]
    }

    let branches: [Branch]
    let token: Token?

    init(branches: [Branch], token: Token) {
        self.branches = branches
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        for branch in branches {
            if let condition = branch.condition {
                let value = try branch.location.evaluate(condition, in: context)
                guard try branch.location.run({ () throws(EvalFailure) in try value.isTruthy() }) else { continue }
            }
            return try renderJinjaNodes(branch.nodes, context)
        }
        return ""
    }
}
