import CoxswainCore
import CoxswainOrchestration
import Foundation

/// `SECONTEXT` (Directord's secontext component): adds the SELinux file-context rule for a target,
/// or modifies the rule that exists, with `semanage fcontext` (the policy is reloaded only with
/// `--reload true`). A node where SELinux is not enabled fails the job saying so (Directord
/// reported success there and changed nothing); a node without semanage says how to get it.
struct SEContextVerb: DirectordVerb {
    static let verbs: [Verb] = [.secontext]
    /// Where selinuxfs is mounted when SELinux is enabled (tests name another folder).
    var selinuxRoot = "/sys/fs/selinux"
    /// The semanage command (tests name one that does not exist).
    var semanage = "semanage"

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .secontext(var context) = call else { return call }
        context.target = try await templates.render(context.target)
        return .secontext(context)
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .secontext(let rule) = call else { return .unsupported(task.verb) }
        guard FileManager.default.fileExists(atPath: selinuxRoot + "/enforce") else {
            return VerbOutcome(status: .failed, error: "SECONTEXT: SELinux is not enabled on this node (no \(selinuxRoot)); no file context was changed")
        }
        // The job's secrets are no business of semanage.
        var quiet = task
        quiet.environment[RegistryAuth.environmentKey] = nil
        let ran = try await ShellCommand.run(Self.command(rule, semanage: semanage), task: quiet, context: context)
        if ran.exitCode == 127 {
            return VerbOutcome(
                status: .failed, exitCode: 127, stderr: ran.stderr,
                error: "SECONTEXT: semanage is not installed on this node (Debian and Fedora: policycoreutils-python-utils)")
        }
        guard ran.status == .succeeded else { return ran }
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: rule.target + "\n", stderr: ran.stderr)
    }

    /// The shell command: `semanage fcontext -a` (add), and `-m` (modify) when a rule for the
    /// target exists already; `-N` unless the policy is to be reloaded.
    static func command(_ rule: SEContextCall, semanage: String = "semanage") -> String {
        var options = ["-t", rule.setype]
        if let ftype = rule.ftype { options += ["-f", ftype] }
        if let seuser = rule.seuser { options += ["-s", seuser] }
        if let selevel = rule.selevel { options += ["-r", selevel] }
        let quoted = (options + ["--", rule.target]).map(ShellCommand.quote).joined(separator: " ")
        let base = "\(semanage) fcontext\(rule.reload ? "" : " -N")"
        // "already defined": the rule exists, so it is modified instead (as Directord did).
        return "out=$(\(base) -a \(quoted) 2>&1); rc=$?; [ $rc -eq 0 ] && exit 0; "
            + "case \"$out\" in *'already defined'*) exec \(base) -m \(quoted) ;; esac; "
            + "printf '%s\\n' \"$out\" >&2; exit $rc"
    }
}
