import CoxswainCore
import CoxswainOrchestration
import CoxswainTemplating
import Foundation

/// The node's durable args, envs and job cache (`NodeStore`): `ARG [--extend-args] KEY VALUE`,
/// `ENV [--extend-args] KEY VALUE` (a text VALUE rendered first), `CACHEFILE PATH` (a YAML or JSON
/// mapping on the node, each key an arg), `CACHEEVICT TAG` and `CACHEDUMP` (`manage --dump-cache`).
struct ArgsVerbs: DirectordVerb {
    static let verbs: [Verb] = [.arg, .env, .cachefile, .cacheevict, .cacheDump]
    let store: NodeStore

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        switch call {
        case .arg(let key, .string(let text), let extend): .arg(key: key, value: .string(try await templates.render(text)), extend: extend)
        case .env(let key, .string(let text), let extend): .env(key: key, value: .string(try await templates.render(text)), extend: extend)
        default: call
        }
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        switch call {
        case .arg(let key, let value, let extend):
            try await store.setArg(key, try value.templateValue(), extend: extend)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) set\n")
        case .env(let key, let value, let extend):
            try await store.setEnv(key, value.plainText, extend: extend)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(key) set\n")
        case .cachefile(let path):
            guard let data = FileManager.default.contents(atPath: path) else { return VerbOutcome(status: .failed, error: "cannot read \(path)") }
            guard case .map(let values) = try YAMLValue.parse(yaml: String(decoding: data, as: UTF8.self), file: path).templateValue() else {
                return VerbOutcome(status: .failed, error: "\(path) is not a YAML or JSON mapping")
            }
            for (k, v) in values { try await store.setArg(k, v) }
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(values.count) args from \(path)\n")
        case .cacheevict(let what):
            try await store.evict(what)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "evicted \(what)\n")
        case .cacheDump:
            let dump = String(decoding: try JSONEncoder.sortedKeys.encode(try await store.dump()), as: UTF8.self)
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: dump + "\n")
        default:
            return .unsupported(task.verb)
        }
    }
}
