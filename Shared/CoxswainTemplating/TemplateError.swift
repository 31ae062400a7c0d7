/// Why a template could not be rendered. Every case is permanent: the template or its data
/// must change.
package enum TemplateError: Error, CustomStringConvertible, Equatable {
    /// The template used a name or key that its data does not have (strict undefined: nothing
    /// is rendered as empty). `name` is the expression as written, e.g. `missing` or `a.b`.
    case undefinedVariable(name: String, template: String, line: Int?)
    /// The template is not valid Jinja, or uses a tag, filter or test Coxswain does not support.
    case syntax(template: String, line: Int?, message: String)
    /// A filter, test or method was given values it cannot work with (`join` on a number,
    /// `int` on a list...). `message` ends with the template and line.
    case filter(name: String, message: String)
    /// An operation failed on the values it got (comparing a string with a number, iterating
    /// a number, dividing by zero...).
    case evaluation(template: String, line: Int?, message: String)

    package var description: String {
        switch self {
        case .undefinedVariable(let name, let template, let line):
            "template \(Self.location(template, line)): '\(name)' is undefined; define it (an argument, a query result or a "
                + "catalog variable) or guard it in the template with '| default(...)' or 'is defined'"
        case .syntax(let template, let line, let message):
            "template \(Self.location(template, line)): syntax error: \(message)"
        case .filter(let name, let message):
            "filter '\(name)': \(message)"
        case .evaluation(let template, let line, let message):
            "template \(Self.location(template, line)): \(message)"
        }
    }

    /// Template errors never go away by retrying.
    package var isRetriable: Bool { false }

    static func location(_ template: String, _ line: Int?) -> String {
        line.map { "'\(template)' line \($0)" } ?? "'\(template)'"
    }
}
