import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Logging

/// What a `DEPLOY` try that the agent's crash interrupted left on the engine, put right at the
/// agent's next start, before any task runs: its new containers removed, the previous containers it
/// had set aside (and stopped, for fixed ports without the proxy) back under their names and
/// running again, init containers removed, the port proxy pointing at what runs. The journal
/// reports the interrupted task as failed, so the deployment is failed and the node runs what ran
/// before it, without waiting for a next try.
///
/// A running try is marked by a file `<state_dir>/rollouts/<task>.json` (the rollout, which holds
/// no secret value) written before it touches the engine and removed when it ends: only this
/// node's interrupted tries are looked at, never another agent's on a shared engine.
struct RolloutRecovery {
    let stateDirectory: String
    let engine: NodeEngine
    let proxy: PortProxyControl?
    let logger: Logger

    /// `<state_dir>/rollouts`.
    static func directory(_ stateDirectory: String) -> String { stateDirectory + "/rollouts" }

    /// Marks a try as running (see the type's summary); the returned path is removed when it ends.
    static func mark(_ rollout: DeploymentRollout, task: TaskID, stateDirectory: String) -> String? {
        let directory = directory(stateDirectory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/\(task).json"
        guard let data = try? JSONEncoder().encode(rollout),
            FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        else { return nil }
        return path
    }

    /// Puts right every interrupted try left marked; each mark goes once it is done (a mark that
    /// does not decode goes too: nothing can be done with it). Failures are logged, never fatal:
    /// the next try of the deployment does the same recovery first.
    func run() async {
        let directory = Self.directory(stateDirectory)
        let marks = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !marks.isEmpty else { return }
        guard case .success(let client) = engine.client else {
            logger.warning("interrupted rollouts not put right: no container engine", metadata: ["rollouts.count": "\(marks.count)"])
            return
        }
        for mark in marks {
            let path = directory + "/" + mark
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard let data = FileManager.default.contents(atPath: path), let rollout = try? JSONDecoder().decode(DeploymentRollout.self, from: data),
                rollout.action == .deploy
            else { continue }
            await recover(rollout, engine: client)
        }
    }

    private func recover(_ rollout: DeploymentRollout, engine client: ContainerEngine) async {
        let logger = self.logger
        let deployment = rollout.deployment.rawValue
        let context = VerbContext(
            emit: { channel, line in
                guard channel == .stdout, let event = try? JSONDecoder().decode(DeploymentEvent.self, from: Data(line.utf8)) else { return }
                logger.notice(
                    "interrupted rollout put right",
                    metadata: ["deployment.id": "\(deployment)", "deployment.instance": "\(event.instance ?? "")", "deployment.event": "\(event.message)"])
            }, environment: [:], outputLimit: 1 << 16, taskID: TaskID(), artifacts: nil, rebootCommand: "true", batchIssuedAt: Date())
        var driver = RolloutDriver(
            engine: client, rollout: rollout, secrets: [:], context: context, timeout: .seconds(120), drivesHealthChecks: false, proxy: proxy)
        do {
            try await driver.removeInitLeftovers()
            for instance in rollout.instances {
                _ = try await driver.recover(DeploymentContainer(instance: instance, rollout: rollout))
            }
        } catch {
            logger.error(
                "could not put right an interrupted rollout; its next try will", metadata: ["deployment.id": "\(deployment)", "error": "\(error)"])
        }
    }
}
