import AsyncHTTPClient
import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Logging
import Synchronization

/// The node's container engine: found once at start (`deployer.container_socket`, else
/// `/run/podman/podman.sock`, else `/var/run/docker.sock`), probed for the heartbeat's report.
/// Without an engine, container work fails with the reason, naming the socket it tried.
package final class NodeEngine: Sendable {
    /// Why the node has no usable engine.
    package struct Unavailable: Error, CustomStringConvertible {
        package let description: String
    }

    /// The engine client, or why there is none.
    package let client: Result<ContainerEngine, Unavailable>
    private let socket: String?
    /// The last probe and when it was taken: the engine is asked at most once a minute.
    private let lastReport = Mutex<(report: ContainerEngineReport, at: ContinuousClock.Instant)?>(nil)

    package init(configuredSocket: String?, httpClient: HTTPClient, logger: Logger) {
        do {
            let path = try ContainerEngine.locate(configured: configuredSocket)
            socket = path
            client = .success(ContainerEngine(socketPath: path, httpClient: httpClient, logger: logger))
        } catch {
            socket = nil
            client = .failure(Unavailable(description: error.description))
        }
    }

    /// No engine, for `reason` (an agent set up without one, as in unit tests).
    package init(unavailable reason: String) {
        socket = nil
        client = .failure(Unavailable(description: reason))
    }

    /// What the heartbeat reports: the engine's kind and versions, or none with the reason.
    package func report() async -> ContainerEngineReport {
        let now = ContinuousClock.now
        if let cached = lastReport.withLock({ $0 }), now - cached.at < .seconds(60) { return cached.report }
        let report: ContainerEngineReport
        switch client {
        case .failure(let problem):
            report = .none(socket: socket, problem: problem.description)
        case .success(let engine):
            do {
                let info = try await engine.probe()
                report = ContainerEngineReport(kind: info.kind.rawValue, version: info.version, apiVersion: info.apiVersion, socket: engine.socketPath)
            } catch {
                report = .none(socket: engine.socketPath, problem: "\(error)")
            }
        }
        lastReport.withLock { $0 = (report, now) }
        return report
    }

    /// The deployments' containers on the engine, from their labels: what runs, reported with
    /// every heartbeat so the control plane never believes something that is not true. Nil
    /// without an engine or when the engine does not answer.
    package func observedDeployments() async -> [ObservedContainer]? {
        guard case .success(let engine) = client else { return nil }
        guard let listed = try? await engine.listContainers(ContainerListOptions(all: true, labels: [ContainerLabels.deployment])) else { return nil }
        return listed.prefix(ObservedContainer.maximumPerHeartbeat).compactMap { c in
            guard let deployment = c.labels[ContainerLabels.deployment], c.labels[ContainerLabels.initContainer] == nil else { return nil }
            return ObservedContainer(
                deployment: deployment, instance: c.labels[ContainerLabels.instance] ?? "", container: c.names.first ?? c.id, state: c.state,
                image: c.image)
        }
    }
}
