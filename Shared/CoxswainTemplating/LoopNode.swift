import Stencil

/// `{% for targets in iterable [if filter] %}...{% else %}...{% endfor %}` with Jinja's `loop`
/// variable (`index`, `index0`, `revindex`, `revindex0`, `first`, `last`, `length`,
/// `previtem`, `nextitem`, `depth`). Each iteration gets its own scope.
final class LoopNode: NodeType {
    let targets: [String]
    let iterable: Expression
    let filter: Expression?
    let body: [NodeType]
    let emptyBody: [NodeType]
    let location: NodeLocation
    let token: Token?

    init(
        targets: [String], iterable: Expression, filter: Expression?, body: [NodeType], emptyBody: [NodeType],
        location: NodeLocation, token: Token
    ) {
        self.targets = targets
        self.iterable = iterable
        self.filter = filter
        self.body = body
        self.emptyBody = emptyBody
        self.location = location
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        let collection = try location.evaluate(iterable, in: context)
        var items = try location.run { () throws(EvalFailure) in try collection.iterated() }
        if let filter {
            items = try items.filter { item in
                try context.push(dictionary: try bind(item)) {
                    let value = try location.evaluate(filter, in: context)
                    return try location.run { () throws(EvalFailure) in try value.isTruthy() }
                }
            }
        }
        guard !items.isEmpty else { return try renderJinjaNodes(emptyBody, context) }

        var output = ""
        let depth =
            (context["loop"] as? Value).flatMap { loop -> Int? in
                guard case .defined(.map(let map)) = loop, case .int(let depth)? = map["depth"] else { return nil }
                return depth
            } ?? 0
        for (index, item) in items.enumerated() {
            var loop: [String: TemplateValue] = [
                "index": .int(index + 1), "index0": .int(index),
                "revindex": .int(items.count - index), "revindex0": .int(items.count - index - 1),
                "first": .bool(index == 0), "last": .bool(index == items.count - 1),
                "length": .int(items.count), "depth": .int(depth + 1), "depth0": .int(depth),
            ]
            if index > 0, case .defined(let previous) = items[index - 1] { loop["previtem"] = previous }
            if index + 1 < items.count, case .defined(let next) = items[index + 1] { loop["nextitem"] = next }
            var scope = try bind(item)
            scope["loop"] = Value.defined(.map(loop))
            output += try context.push(dictionary: scope) { try renderJinjaNodes(body, context) }
        }
        return output
    }

    /// The loop variables for one item: the item itself, or its elements for `k, v`.
    private func bind(_ item: Value) throws(TemplateError) -> [String: Any] {
        guard targets.count > 1 else { return [targets[0]: item] }
        let parts = try location.run { () throws(EvalFailure) in try item.elements() }
        guard parts.count == targets.count else {
            throw .evaluation(
                template: location.template, line: location.line,
                message: "cannot unpack \(parts.count) values into \(targets.count) loop variables (\(targets.joined(separator: ", ")))")
        }
        return Dictionary(uniqueKeysWithValues: zip(targets, parts.map { $0 as Any }))
    }
}
