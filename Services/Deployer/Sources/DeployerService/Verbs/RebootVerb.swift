import CoxswainCore
import CoxswainOrchestration

/// `REBOOT [SECONDS]`: runs `deployer.reboot_command` after the delay (default 10 s), detached, and
/// succeeds at once; the Scheduler holds the node's next work until its next heartbeat.
struct RebootVerb: DirectordVerb {
    static let verbs: [Verb] = [.reboot]

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .reboot(let seconds) = call else { return .unsupported(task.verb) }
        let delay = seconds ?? 10
        let started = try await ShellCommand.run(ShellCommand.detached("sleep \(delay); \(context.rebootCommand)"), task: task, context: context)
        guard started.status == .succeeded else { return started }
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "rebooting in \(delay) s; queued work waits for the node's next heartbeat\n")
    }
}
