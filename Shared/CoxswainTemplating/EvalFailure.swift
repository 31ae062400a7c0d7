/// A failure while evaluating an expression; the node that evaluated it adds the template
/// name and line to make a ``TemplateError``.
enum EvalFailure: Error, Equatable {
    case undefined(name: String)
    case filter(name: String, message: String)
    case evaluation(String)

    func templateError(template: String, line: Int) -> TemplateError {
        switch self {
        case .undefined(let name): .undefinedVariable(name: name, template: template, line: line)
        case .filter(let name, let message):
            .filter(name: name, message: "\(message) (template \(TemplateError.location(template, line)))")
        case .evaluation(let message): .evaluation(template: template, line: line, message: message)
        }
    }
}
