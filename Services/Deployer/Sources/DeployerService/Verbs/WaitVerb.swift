import CoxswainCore
import CoxswainOrchestration

/// `WAIT --seconds N | --cmd CMD | --url URL [--insecure] [--retry N] [--retry-wait S]`: sleeps, or
/// checks the command (or the URL with curl) until it succeeds, `retry` extra times at most.
struct WaitVerb: DirectordVerb {
    static let verbs: [Verb] = [.wait]

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        switch call {
        case .wait(.url(let url, let insecure), let retry, let retryWait):
            .wait(.url(try await templates.render(url), insecure: insecure), retry: retry, retryWait: retryWait)
        case .wait(.command(let cmd), let retry, let retryWait): .wait(.command(try await templates.render(cmd)), retry: retry, retryWait: retryWait)
        default: call
        }
    }

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .wait(let condition, let retry, let retryWait) = call else { return .unsupported(task.verb) }
        switch condition {
        case .seconds(let s):
            try await Task.sleep(for: .clampedSeconds(s))
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "waited \(s) s\n")
        case .command(let command):
            var attempt = 0
            while true {
                let outcome = try await ShellCommand.run(command, task: task, context: context)
                if outcome.status == .succeeded || attempt >= retry { return outcome }
                attempt += 1
                try await Task.sleep(for: .clampedSeconds(retryWait))
            }
        case .url(let url, let insecure):
            var attempt = 0
            while true {
                let command = "curl -fsS -o /dev/null --max-time 10 \(insecure ? "--insecure " : "")" + ShellCommand.quote(url)
                let outcome = try await ShellCommand.run(command, task: task, context: context)
                if outcome.status == .succeeded || attempt >= retry {
                    return outcome.status == .succeeded ? VerbOutcome(status: .succeeded, exitCode: 0, stdout: "\(url) answered\n") : outcome
                }
                attempt += 1
                try await Task.sleep(for: .clampedSeconds(retryWait))
            }
        }
    }
}
