import CoxswainCore
import CoxswainOrchestration

/// `RUN [--no-block] CMD`: `/bin/sh -c CMD` (`ShellCommand`) with the ENV cache under the task's
/// own environment; `--no-block` detaches it in its own session and succeeds at once.
struct RunVerb: DirectordVerb {
    static let verbs: [Verb] = [.run]
    let store: NodeStore

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .run(let command, let noBlock) = call else { return call }
        return .run(command: try await templates.render(command), noBlock: noBlock)
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .run(let command, let noBlock) = call else { return .unsupported(task.verb) }
        var task = task
        for (k, v) in try await store.envs() where task.environment[k] == nil { task.environment[k] = v }
        return try await ShellCommand.run(noBlock ? ShellCommand.detached(command) : command, task: task, context: context)
    }
}
