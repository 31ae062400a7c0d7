import CoxswainContainerEngine
import CoxswainCore
import Foundation

/// Waiting for a new container's good start (`ContainerConfig.expectedState`): running (and
/// healthy, when it has a health check), or exited with the expected code, within the timeout.
extension RolloutDriver {
    /// How often the container is inspected while waiting.
    static let pollInterval: Duration = .milliseconds(250)
    /// Docker's health check defaults (used when the configuration leaves them out).
    static let defaultHealthInterval: Duration = .seconds(30)
    static let defaultHealthTimeout: Duration = .seconds(30)

    mutating func awaitExpectedState(of container: DeploymentContainer) async throws {
        guard let id = instances[container.instance.name]?.newID else { throw StepFailure("there is no new container to wait for") }
        let expected = container.config.expectedState ?? .default
        let limit = min(expected.timeout, remaining)
        let started = ContinuousClock.now
        switch expected.state {
        case .exited:
            let wanted = Int64(clamping: expected.exitCode ?? 0)
            let code: Int64
            do {
                code = try await engine.waitContainer(id, timeout: limit)
            } catch ContainerEngineError.timedOut {
                throw StepFailure(
                    "still running after \(Self.seconds(limit)) (expected to exit with code \(wanted))" + (await failureDetails(id, exitCode: false)))
            }
            guard code == wanted else { throw StepFailure("exited with code \(code), expected \(wanted)" + (await failureDetails(id, exitCode: false))) }
            publish(.health, instance: container.instance.name, "exited with code \(code) as expected, after \(Self.seconds(started.duration(to: .now)))")
        case .running:
            let details = try await engine.inspectContainer(id)
            if details.state.health == nil {
                try await awaitSettled(id, details: details, started: started)
                publish(.health, instance: container.instance.name, "running (no health check)")
            } else {
                try await awaitHealthy(id, check: container.config.healthCheck, limit: limit, started: started)
                publish(.health, instance: container.instance.name, "healthy after \(Self.seconds(started.duration(to: .now)))")
            }
        }
    }

    /// A container without health check: it must keep running, without restarts, for ``settleTime``.
    func awaitSettled(_ id: String, details first: ContainerDetails, started: ContinuousClock.Instant) async throws {
        var details = first
        while true {
            guard details.state.running, !details.state.restarting, details.restartCount == first.restartCount else {
                let restarted = details.restartCount != first.restartCount ? "restarted by the engine; " : ""
                throw StepFailure("\(restarted)stopped right after its start" + (await failureDetails(id, exitCode: true)))
            }
            if started.duration(to: .now) >= Self.settleTime { return }
            try await Task.sleep(for: Self.pollInterval)
            details = try await engine.inspectContainer(id)
        }
    }

    /// Waits for `healthy`. Podman runs no checks by itself here: they are run through the engine on
    /// the check's interval (the first after at most a second, and every second at most during the
    /// start period, whose failures do not count), so that the engine keeps the streak and the log.
    /// dockerd runs them itself; its state is only read.
    func awaitHealthy(_ id: String, check: ContainerConfig.HealthCheck?, limit: Duration, started: ContinuousClock.Instant) async throws {
        let interval = check?.interval ?? Self.defaultHealthInterval
        let startPeriod = check?.startPeriod ?? .zero
        let checkTimeout = (check?.timeout ?? Self.defaultHealthTimeout) + .seconds(5)
        var nextCheck = started + min(interval, .seconds(1))
        var engineProblem: String?
        while true {
            let details = try await engine.inspectContainer(id)
            guard details.state.running else {
                throw StepFailure("stopped before it was healthy" + (await failureDetails(id, exitCode: true)))
            }
            switch details.state.health {
            case "healthy": return
            case "unhealthy":
                throw StepFailure("unhealthy after \(details.state.healthFailingStreak) failed checks in a row" + (await failureDetails(id, exitCode: false)))
            default: break
            }
            let now = ContinuousClock.now
            if started.duration(to: now) >= limit {
                let status = details.state.health ?? "none"
                let problem = engineProblem.map { "; the engine could not run the check: \($0)" } ?? ""
                throw StepFailure("not healthy within \(Self.seconds(limit)) (health: \(status))\(problem)" + (await failureDetails(id, exitCode: false)))
            }
            if drivesHealthChecks, now >= nextCheck {
                do {
                    _ = try await engine.runHealthcheck(id, timeout: checkTimeout)
                    engineProblem = nil
                } catch let error as ContainerEngineError {
                    engineProblem = error.description
                }
                let inStartPeriod = started.duration(to: .now) < startPeriod
                nextCheck = .now + (inStartPeriod ? min(interval, .seconds(1)) : interval)
                continue
            }
            try await Task.sleep(for: Self.pollInterval)
        }
    }

    /// What a failure report adds about a container: its exit code (when asked and it stopped), the last
    /// health check's output and the last lines of its log; empty when the engine cannot say.
    func failureDetails(_ id: String, exitCode: Bool) async -> String {
        var parts: [String] = []
        if let details = try? await engine.inspectContainer(id) {
            if exitCode, !details.state.running {
                parts.append("exit code \(details.state.exitCode)" + (details.state.oomKilled ? " (killed: out of memory)" : ""))
            }
            if let error = details.state.error { parts.append("engine: \(Self.clipped(error, 300))") }
            if let last = details.state.lastHealthCheck {
                let output = Self.clipped(last.output.trimmingCharacters(in: .whitespacesAndNewlines), 500)
                parts.append("last health check exited \(last.exitCode)" + (output.isEmpty ? "" : ": \(output)"))
            }
        }
        if let chunks = try? await engine.logs(id, options: ContainerLogOptions(tail: 10)) {
            let lines = chunks.map(\.text).joined().split(whereSeparator: \.isNewline).suffix(10).map { Self.clipped(String($0), 200) }
            if !lines.isEmpty { parts.append("last log lines: " + lines.joined(separator: " | ")) }
        }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
    }

    /// `12 s`, `1.4 s`.
    static func seconds(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return String(format: seconds >= 10 ? "%.0f s" : "%.1f s", seconds)
    }

    static func clipped(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
