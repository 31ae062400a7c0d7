import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `WORKDIR [--chown U[:G]] [--chmod MODE] PATH`: creates the directory (and its parents).
struct WorkdirVerb: DirectordVerb {
    static let verbs: [Verb] = [.workdir]

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .workdir(let path, let chown, let chmod, let recursive) = call else { return call }
        return .workdir(path: try await templates.render(path), chown: chown, chmod: chmod, recursive: recursive)
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .workdir(let path, let chown, let chmod, _) = call else { return .unsupported(task.verb) }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            if let chmod, let mode = Int(chmod, radix: 8) { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
            if let chown { try FileManager.default.changeOwner(of: path, to: chown) }
        } catch {
            return VerbOutcome(status: .failed, error: "WORKDIR \(path): \(error.localizedDescription)")
        }
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(path)\n")
    }
}
