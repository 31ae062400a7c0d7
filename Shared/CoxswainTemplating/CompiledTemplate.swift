import Stencil

/// A parsed template, ready to render any number of times, from any thread.
///
/// `@unchecked Sendable`: the Stencil nodes and environment are never mutated after
/// ``TemplateRenderer/compile(_:name:)`` builds them, and every render uses its own `Context`.
package struct CompiledTemplate: @unchecked Sendable {
    /// The name errors report.
    package let name: String
    private let nodes: [NodeType]
    private let environment: Environment

    init(name: String, nodes: [NodeType], environment: Environment) {
        self.name = name
        self.nodes = nodes
        self.environment = environment
    }

    /// Renders the template with `context`.
    ///
    /// - Throws: ``TemplateError`` when the template uses an undefined variable or an operation
    ///   fails on the values it gets.
    package func render(context: [String: TemplateValue]) throws(TemplateError) -> String {
        var variables: [String: Any] = [:]
        variables.reserveCapacity(context.count)
        for (key, value) in context { variables[key] = Value.defined(value) }
        let stencilContext = Context(dictionary: variables, environment: environment)
        do {
            // A scope of the template's own, so `{% set %}` works even with an empty context.
            return try stencilContext.push(dictionary: [:]) { try renderJinjaNodes(nodes, stencilContext) }
        } catch let error as TemplateError {
            throw error
        } catch {
            throw .evaluation(template: name, line: nil, message: "\(error)")
        }
    }
}
