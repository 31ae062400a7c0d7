import Foundation
import NIOCore

/// What a pod start or stop did.
package enum PodStateChange: Sendable, Equatable {
    /// The pod (this ID) changed state.
    case changed(id: String)
    /// The pod was already in that state (HTTP 304): nothing was done.
    case unchanged
}

/// Podman pods through the libpod API (`/v4.0.0/libpod/pods/…`, `/libpod/play/kube`). Podman only:
/// call ``requireLibpod(for:)`` first for a clear error on dockerd.
extension ContainerEngine {
    /// Largest Kubernetes YAML sent to play kube.
    package static let maximumKubeYAMLBytes = 4 << 20

    /// Creates (and by default starts) the pods, containers and volumes of a Kubernetes YAML
    /// document (`POST /libpod/play/kube`, as `podman play kube` does). Images are pulled as needed,
    /// with `credentials`; `tlsVerify` (when given) decides TLS for those pulls. Bounded by `timeout`.
    package func playKube(
        _ yaml: String, start: Bool = true, tlsVerify: Bool? = nil, credentials: RegistryCredentials? = nil,
        timeout: Duration = defaultTransferTimeout
    ) async throws -> PlayKubeReport {
        let operation = "POST /libpod/play/kube"
        guard yaml.utf8.count <= Self.maximumKubeYAMLBytes else {
            throw ContainerEngineError.invalidRequest(operation: operation, reason: "the YAML is larger than \(Self.maximumKubeYAMLBytes) bytes")
        }
        var query = [("start", start ? "true" : "false")]
        if let tlsVerify { query.append(("tlsVerify", tlsVerify ? "true" : "false")) }
        let headers = credentials.map { [("X-Registry-Auth", $0.headerValue)] } ?? []
        let response = try await libpodCall(
            .post, "/play/kube", query: query, body: ByteBuffer(string: yaml), contentType: "application/yaml", headers: headers, operation: operation,
            timeout: timeout)
        try expect(response, [200], operation: operation)
        return try decode(PlayKubeReport.self, response, operation: operation)
    }

    /// Every pod (`GET /libpod/pods/json`).
    package func listPods() async throws -> [PodSummary] {
        let operation = "GET /libpod/pods/json"
        let response = try await libpodCall(.get, "/pods/json", operation: operation)
        try expect(response, [200], operation: operation)
        return try decode([PodSummary].self, response, operation: operation)
    }

    /// A pod's state and containers (`GET /libpod/pods/{name}/json`).
    package func inspectPod(_ name: String) async throws -> PodDetails {
        let operation = "GET /libpod/pods/\(name)/json"
        let response = try await libpodCall(.get, "/pods/\(Self.pathSegment(name))/json", operation: operation)
        try expect(response, [200], operation: operation, notFound: ("pod", name))
        return try decode(PodDetails.self, response, operation: operation)
    }

    /// How long after a pod's last container exit a start waits (see ``startPod(_:timeout:)``).
    package static let podSettleTime: Duration = .seconds(2)

    /// Starts a pod's containers (`POST /libpod/pods/{name}/start`); ``PodStateChange/unchanged``
    /// when it already runs. A container that fails to start is ``ContainerEngineError/conflict(operation:message:)``.
    ///
    /// Podman 4 queues a "stop the pod if only its infra container remains" task each time a
    /// container of a pod with exit policy `stop` (every pod of play kube) is cleaned up after an
    /// exit, and the task ignores the container it was queued for even when that container runs
    /// again. A start right after a kill or stop can come before those tasks and be undone by them
    /// (the pod reads Exited just after a successful start). So a start waits until
    /// ``podSettleTime`` has passed since the pod's last exit, which covers them unless Podman's
    /// single work queue is held up (another pod's slow stop). Pods with two or more long-running
    /// containers are not affected: each task sees the other container running.
    package func startPod(_ name: String, timeout: Duration? = nil) async throws -> PodStateChange {
        let details = try await inspectPod(name)
        if details.state != "Running" { try await settle(details) }
        return try await podAction("start", name, query: [], timeout: timeout)
    }

    /// Waits until ``podSettleTime`` has passed since the last exit of a container of the pod.
    private func settle(_ details: PodDetails) async throws {
        var lastExit: Date?
        for container in details.containers {
            guard let finished = try? await inspectContainer(container.id).state.finishedAt, let date = Self.engineTime(finished) else { continue }
            lastExit = max(lastExit ?? date, date)
        }
        guard let lastExit else { return }
        let settleSeconds = Double(Self.podSettleTime.components.seconds)
        let wait = lastExit.addingTimeInterval(settleSeconds).timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(min(wait, settleSeconds) * 1000))) }
    }

    /// A time the engine wrote (RFC 3339 with up to nanoseconds: `2026-12-03T13:34:42.042176598Z`).
    static func engineTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        guard let dot = text.firstIndex(of: ".") else { return formatter.date(from: text) }
        let fraction = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
        let zone = text[text.index(after: dot)...].dropFirst(fraction.count)
        guard let whole = formatter.date(from: String(text[..<dot]) + zone) else { return nil }
        return whole.addingTimeInterval(Double("0." + fraction) ?? 0)
    }

    /// Stops a pod's containers (`POST /libpod/pods/{name}/stop`), each after its stop timeout
    /// (`stopTimeout` overrides it; Podman's default is 10 s); ``PodStateChange/unchanged`` when it
    /// does not run.
    package func stopPod(_ name: String, stopTimeout: Int? = nil, timeout: Duration? = nil) async throws -> PodStateChange {
        try await podAction("stop", name, query: stopTimeout.map { [("t", String($0))] } ?? [], timeout: timeout)
    }

    /// Sends `signal` (`SIGKILL`, `TERM`, `9`) to a pod's running containers
    /// (`POST /libpod/pods/{name}/kill`); a pod with none running is ``ContainerEngineError/conflict(operation:message:)``.
    /// Returns the pod's ID.
    @discardableResult
    package func killPod(_ name: String, signal: String = "SIGKILL") async throws -> String {
        switch try await podAction("kill", name, query: [("signal", signal)], timeout: nil) {
        case .changed(let id): id
        case .unchanged: name
        }
    }

    /// Removes a pod and its containers (`DELETE /libpod/pods/{name}?force=`); `force` stops
    /// running containers first. Returns the pod's ID.
    @discardableResult
    package func removePod(_ name: String, force: Bool = false, timeout: Duration? = nil) async throws -> String {
        let operation = "DELETE /libpod/pods/\(name)"
        let response = try await libpodCall(
            .delete, "/pods/\(Self.pathSegment(name))", query: [("force", force ? "true" : "false")], operation: operation, timeout: timeout)
        try expect(response, [200], operation: operation, notFound: ("pod", name))
        return try decode(PodReport.self, response, operation: operation).Id ?? name
    }

    private func podAction(_ action: String, _ name: String, query: [(String, String)], timeout: Duration?) async throws -> PodStateChange {
        let operation = "POST /libpod/pods/\(name)/\(action)"
        let response = try await libpodCall(.post, "/pods/\(Self.pathSegment(name))/\(action)", query: query, operation: operation, timeout: timeout)
        if response.status == 304 { return .unchanged }
        if response.status == 409, let report = try? JSONDecoder().decode(PodReport.self, from: response.body), let errors = report.Errs, !errors.isEmpty {
            // Podman reports per-container errors as `{}` objects: the count is all it says.
            throw ContainerEngineError.conflict(
                operation: operation, message: "\(errors.count) container(s) of pod \(name) failed to \(action); see the engine's log")
        }
        try expect(response, [200], operation: operation, notFound: ("pod", name))
        return .changed(id: try decode(PodReport.self, response, operation: operation).Id ?? name)
    }

    /// The body of a pod action (`{"Errs": […], "Id": …}`; `Err` for a removal).
    // The API's field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct PodReport: Decodable {
        let Id: String?
        let Errs: [Ignored]?
    }

    /// Any JSON value, skipped.
    struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
