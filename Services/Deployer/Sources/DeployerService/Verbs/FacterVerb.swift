import CoxswainCore
import CoxswainOrchestration
import CoxswainTemplating
import Foundation

/// `FACTER`: runs `facter --json` and caches the facts as the node's arg `facter` (templates read
/// `{{ facter.os.family }}`); the other args stay. A node without facter fails with how to get it.
struct FacterVerb: DirectordVerb {
    static let verbs: [Verb] = [.facter]
    let store: NodeStore
    /// The facter command (tests name one that does not exist).
    var command = "facter"

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .facter = call else { return .unsupported(task.verb) }
        // The facts are stored, not streamed: a few hundred lines of JSON would flood a --stream.
        var quiet = context
        quiet.emit = { _, _ in }
        let ran = try await ShellCommand.run("exec \(command) --json", task: task, context: quiet)
        if ran.exitCode == 127 {
            return VerbOutcome(
                status: .failed, exitCode: 127, stderr: ran.stderr, error: "facter is not installed on this node (Debian: apt-get install facter)")
        }
        // facter exits 1 when some fact could not be resolved (a partition it may not read), yet prints
        // every other fact: the printed mapping counts, the exit code is reported beside it.
        guard ran.status != .timedOut, !ran.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return ran }
        let facts: TemplateValue
        do {
            facts = try YAMLValue.parse(yaml: ran.stdout, file: "facter --json").templateValue()
        } catch {
            return VerbOutcome(status: .failed, exitCode: ran.exitCode, stderr: ran.stderr, error: "facter --json printed no readable JSON: \(error)")
        }
        guard case .map(let values) = facts else {
            return VerbOutcome(status: .failed, exitCode: ran.exitCode, error: "facter --json printed no mapping of facts")
        }
        try await store.setArg("facter", facts)
        let note = ran.exitCode == 0 ? "" : "facter exited \(ran.exitCode ?? -1) (some facts could not be resolved): \(ran.stderr)"
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(values.count) facts cached as the arg 'facter'\n", stderr: note)
    }
}
