import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `SERVICE [--restarted|--stopped|--reloaded] [--enable|--disable|--mask] [--daemon-reload] NAME…`:
/// `systemctl` on the node; refused clearly where systemd does not run.
struct ServiceVerb: DirectordVerb {
    static let verbs: [Verb] = [.service]

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .service(let services, let running, let enablement, let daemonReload) = call else { return .unsupported(task.verb) }
        guard FileManager.default.fileExists(atPath: "/run/systemd/system") else {
            return VerbOutcome(status: .failed, error: "SERVICE needs systemd, and this node does not run it (no /run/systemd/system)")
        }
        return try await ShellCommand.runNoninteractive(
            Self.command(services: services, running: running, enablement: enablement, daemonReload: daemonReload), task: task, context: context
        )
    }

    /// The `systemctl` commands, joined with `&&`.
    static func command(services: [String], running: VerbCall.ServiceRunState, enablement: VerbCall.ServiceEnablement?, daemonReload: Bool) -> String {
        var commands: [String] = []
        if daemonReload { commands.append("systemctl daemon-reload") }
        let names = services.map(ShellCommand.quote).joined(separator: " ")
        if let enablement { commands.append("systemctl \(enablement.rawValue) \(names)") }
        // A masked unit cannot be started: mask only changes the enablement.
        if !services.isEmpty, enablement != .mask {
            let action =
                switch running {
                case .started: "start"
                case .restarted: "restart"
                case .reloaded: "reload"
                case .stopped: "stop"
                }
            commands.append("systemctl \(action) \(names)")
        }
        return commands.joined(separator: " && ")
    }
}
