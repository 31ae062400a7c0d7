import Stencil

// The Stencil nodes for Jinja's `{{ }}`, `{% if %}`, `{% for %}` and `{% set %}`. They evaluate
// their expressions with `Evaluator` and throw `TemplateError` with the template name and line.
// Their children are rendered by `renderJinjaNodes`, not Stencil's `renderNodes`, which would
// turn every error into a `TemplateSyntaxError` string.

/// Renders `nodes` in order; errors pass through unchanged.
func renderJinjaNodes(_ nodes: [NodeType], _ context: Context) throws -> String {
    var output = ""
    for node in nodes { output += try node.render(context) }
    return output
}

/// Where a node sits, to locate its errors.
struct NodeLocation {
    let template: String
    let line: Int

    func evaluate(_ expression: Expression, in context: Context) throws(TemplateError) -> Value {
        do {
            return try Evaluator(context: context).evaluate(expression)
        } catch {
            throw error.templateError(template: template, line: line)
        }
    }

    func run<T>(_ body: () throws(EvalFailure) -> T) throws(TemplateError) -> T {
        do {
            return try body()
        } catch {
            throw error.templateError(template: template, line: line)
        }
    }
}
