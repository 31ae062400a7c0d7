import CoxswainCore
import CoxswainOrchestration
import CoxswainTemplating

/// `ADD`/`COPY [--chown U[:G]] [--chmod MODE] [--blueprint] SRC… DEST`: the job's artifacts,
/// fetched from the Gateway and digest-checked (`Transfer`). Prepared before the cache check, so
/// the fingerprint covers the files' destinations, modes and digests (after `--blueprint`
/// rendering with the node's args); a destination that already has the content is not fetched.
struct TransferVerb: DirectordVerb {
    static let verbs: [Verb] = [.add, .copy]

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        switch call {
        case .add(let sources, let destination, let chown, let chmod, let blueprint):
            .add(sources: sources, destination: try await templates.render(destination), chown: chown, chmod: chmod, blueprint: blueprint)
        case .copy(let sources, let destination, let chown, let chmod, let blueprint):
            .copy(sources: sources, destination: try await templates.render(destination), chown: chown, chmod: chmod, blueprint: blueprint)
        default: call
        }
    }

    func prepare(_ call: VerbCall, task: TaskSpec, templates: NodeTemplates, context: VerbContext) async throws -> Transfer {
        switch call {
        case .add(_, let destination, let chown, let chmod, let blueprint), .copy(_, let destination, let chown, let chmod, let blueprint):
            do {
                return try await Transfer.prepare(
                    files: task.artifacts ?? [], destination: destination, chown: chown, chmod: chmod, blueprint: blueprint, context: context,
                    render: { text, name in try await templates.renderFile(text, name: name) }
                )
            } catch let error as TemplateError {
                throw error
            } catch {
                throw VerbFailure("\(task.verb.rawValue): \(error)")
            }
        default:
            throw VerbFailure(VerbOutcome.unsupported(task.verb).error ?? "")
        }
    }

    func perform(_ call: VerbCall, inputs transfer: Transfer, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        do {
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: try await transfer.apply(context: context))
        } catch {
            return VerbOutcome(status: .failed, error: "\(task.verb.rawValue): \(error)")
        }
    }
}

extension Transfer: VerbInputs {
    var fingerprintInputs: String? { identity }
}
