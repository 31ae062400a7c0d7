import CoxswainContainerEngine
import CoxswainCore
import Foundation

/// `DEPLOY`: one try of a deployment on the node (`DeploymentRollout`, JSON in the task's
/// arguments), or the removal of its containers. The rollout follows `RolloutPlan` (pull, init
/// containers, create beside the previous container, health or expected state, switch; restore
/// on failure) on the node's engine (`RolloutDriver`). The task's stdout is one `DeploymentEvent`
/// per line as JSON, streamed live; pull progress goes to stderr. The task succeeds exactly when
/// the rollout (or the removal) did; otherwise its error is the closing event's message, which
/// names the instance, the step and what was restored. Not a pipeline verb: no options grammar, no
/// templates, never cached.
struct DeployVerb: VerbHandler {
    let verbs: [Verb] = [.deploy]
    let engine: NodeEngine
    /// The node's port proxy, which serves published TCP ports so that a rollout has no serving gap
    /// (nil: an instance with fixed host ports stops its previous container first).
    var proxy: PortProxyControl? = nil
    /// The agent's state directory: a running try is marked there so that the agent's next start
    /// puts right what a crash interrupted (`RolloutRecovery`); nil marks nothing.
    var stateDirectory: String? = nil

    /// Time allowed when the task has none.
    static let defaultTimeout: Duration = .seconds(3600)

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let rollout: DeploymentRollout
        do {
            rollout = try JSONDecoder().decode(DeploymentRollout.self, from: Data(task.arguments.utf8))
        } catch {
            return Self.refused("the rollout is not valid JSON: \(error)", context: context)
        }
        // Checked here, before the engine is touched: the node trusts no value it did not check itself.
        let problems = rollout.nodeProblems(secrets: task.environment)
        if !problems.isEmpty {
            let shown = problems.prefix(10).joined(separator: "; ") + (problems.count > 10 ? "; and \(problems.count - 10) more" : "")
            return Self.refused("refused the rollout, nothing was changed: \(shown)", context: context)
        }
        let client: ContainerEngine
        switch engine.client {
        case .success(let found): client = found
        case .failure(let problem): return Self.refused("no container engine on this node: \(problem)", context: context)
        }
        let kind: EngineInfo.Kind
        do {
            kind = try await client.probe().kind
        } catch let error as ContainerEngineError {
            return Self.refused(error.description, context: context)
        }
        let timeout = Duration.clampedSeconds(task.timeoutSeconds)
        var driver = RolloutDriver(
            engine: client, rollout: rollout, secrets: task.environment, context: context, timeout: timeout > .zero ? timeout : Self.defaultTimeout,
            drivesHealthChecks: kind == .podman, proxy: proxy)
        let mark = stateDirectory.flatMap { RolloutRecovery.mark(rollout, task: task.taskID, stateDirectory: $0) }
        // A cancelled try (the agent stopping) keeps its mark: the next start puts it right.
        defer { if let mark, !Task.isCancelled { try? FileManager.default.removeItem(atPath: mark) } }
        let result = try await rollout.action == .deploy ? driver.deploy() : driver.remove()
        return VerbOutcome(
            status: result.succeeded ? .succeeded : .failed, exitCode: result.succeeded ? 0 : nil, stdout: driver.stdout,
            error: result.succeeded ? nil : "DEPLOY: \(result.reason)")
    }

    /// A task refused before any rollout step: one closing `failed` event on stdout, and the reason as the error.
    static func refused(_ reason: String, context: VerbContext) -> VerbOutcome {
        let line = (try? JSONEncoder.answers.encode(DeploymentEvent(.failed, reason))).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? ""
        context.emit(.stdout, line)
        return VerbOutcome(status: .failed, stdout: line, error: "DEPLOY: \(reason)")
    }
}
