import Stencil

/// `{% set a = expression %}`, `{% set a, b = x, y %}` or `{% set a %}...{% endset %}`: binds
/// in the current scope (the template, or the current loop iteration).
final class AssignmentNode: NodeType {
    enum Source {
        case expression(Expression)
        case block([NodeType])
    }

    let targets: [String]
    let source: Source
    let location: NodeLocation
    let token: Token?

    init(targets: [String], source: Source, location: NodeLocation, token: Token) {
        self.targets = targets
        self.source = source
        self.location = location
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        let value: Value
        switch source {
        case .expression(let expression): value = try location.evaluate(expression, in: context)
        case .block(let nodes): value = .defined(.string(try renderJinjaNodes(nodes, context)))
        }
        guard targets.count > 1 else {
            context[targets[0]] = value
            return ""
        }
        let parts = try location.run { () throws(EvalFailure) in try value.elements() }
        guard parts.count == targets.count else {
            throw TemplateError.evaluation(
                template: location.template, line: location.line,
                message: "cannot unpack \(parts.count) values into \(targets.count) variables (\(targets.joined(separator: ", ")))")
        }
        for (target, part) in zip(targets, parts) { context[target] = part }
        return ""
    }
}
