import CoxswainCore
import CoxswainOrchestration

/// `ECHO TEXT`: returns TEXT (rendered), streamed as output too.
struct EchoVerb: DirectordVerb {
    static let verbs: [Verb] = [.echo]

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .echo(let text) = call else { return call }
        return .echo(try await templates.render(text))
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .echo(let text) = call else { return .unsupported(task.verb) }
        context.emit(.stdout, text + "\n")
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: text + "\n")
    }
}
