import Foundation
import Logging

extension ContainerEngine {
    /// Lists containers (`GET /containers/json`) matching `options`.
    package func listContainers(_ options: ContainerListOptions = ContainerListOptions()) async throws -> [ContainerSummary] {
        var query: [(String, String)] = [("all", options.all ? "1" : "0")]
        if !options.labels.isEmpty {
            query.append(("filters", try Self.filters(["label": options.labels], operation: "GET /containers/json")))
        }
        let operation = "GET /containers/json"
        let response = try await call(.get, "/containers/json", query: query, operation: operation)
        try expect(response, [200], operation: operation)
        let containers = try decode([ContainerSummary].self, response, operation: operation)
        guard let prefix = options.namePrefix else { return containers }
        return containers.filter { container in container.names.contains { ContainerNaming.belongs($0, toPrefix: prefix) } }
    }

    /// Inspects a container (`GET /containers/{id}/json`) by ID or name.
    package func inspectContainer(_ id: String) async throws -> ContainerDetails {
        let operation = "GET /containers/\(id)/json"
        let response = try await call(.get, "/containers/\(Self.pathSegment(id))/json", operation: operation)
        try expect(response, [200], operation: operation, notFound: ("container", id))
        return try decode(ContainerDetails.self, response, operation: operation)
    }

    /// Creates a container (`POST /containers/create`) and returns its ID. A name in use is
    /// ``ContainerEngineError/conflict(operation:message:)``; a missing image is
    /// ``ContainerEngineError/notFound(kind:name:)`` (pull it first: create never pulls).
    package func createContainer(_ spec: ContainerSpec) async throws -> String {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Created: Decodable {
            let Id: String
            let Warnings: [String]?
        }
        let operation = "POST /containers/create"
        let query = spec.name.map { [("name", $0)] } ?? []
        let response = try await call(.post, "/containers/create", query: query, body: CreateContainerBody(spec), operation: operation)
        try expect(response, [201, 200], operation: operation, notFound: ("image", spec.image))
        let created = try decode(Created.self, response, operation: operation)
        for warning in created.Warnings ?? [] where !warning.isEmpty {
            logger.notice("container create warning", metadata: [EngineLogMetadata.container: "\(created.Id)", EngineLogMetadata.error: "\(warning)"])
        }
        return created.Id
    }

    /// Starts a container (`POST /containers/{id}/start`); starting a running one is fine.
    package func startContainer(_ id: String) async throws {
        try await simple(.post, id, action: "start", accepted: [204, 304])
    }

    /// Stops a container (`POST /containers/{id}/stop?t=`): SIGTERM (or its stop signal), then
    /// SIGKILL after `timeout`. Stopping a stopped one is fine.
    package func stopContainer(_ id: String, timeout: Duration = .seconds(10)) async throws {
        let seconds = Self.wholeSeconds(timeout)
        try await simple(.post, id, action: "stop", query: [("t", "\(seconds)")], accepted: [204, 304], extraTime: timeout)
    }

    /// Restarts a container (`POST /containers/{id}/restart?t=`), stopping it as ``stopContainer(_:timeout:)`` does.
    package func restartContainer(_ id: String, timeout: Duration = .seconds(10)) async throws {
        let seconds = Self.wholeSeconds(timeout)
        try await simple(.post, id, action: "restart", query: [("t", "\(seconds)")], accepted: [204], extraTime: timeout)
    }

    /// Renames a container (`POST /containers/{id}/rename?name=`), in any state: the old name is
    /// free at once. A name in use is ``ContainerEngineError/conflict(operation:message:)`` (Podman
    /// 4 and dockerd both answer 409). A running container may show its old name in places (its
    /// logs) until it restarts.
    package func renameContainer(_ id: String, to name: String) async throws {
        try await simple(.post, id, action: "rename", query: [("name", name)], accepted: [204, 200])
    }

    /// Sends `signal` (`SIGKILL`, `SIGHUP`, `15`…) to a running container (`POST /containers/{id}/kill`);
    /// a container that does not run is ``ContainerEngineError/conflict(operation:message:)``.
    package func killContainer(_ id: String, signal: String = "SIGKILL") async throws {
        try await simple(.post, id, action: "kill", query: [("signal", signal)], accepted: [204])
    }

    /// Removes a container (`DELETE /containers/{id}`); `force` kills a running one first,
    /// `volumes` removes its anonymous volumes.
    package func removeContainer(_ id: String, force: Bool = false, volumes: Bool = false) async throws {
        let operation = "DELETE /containers/\(id)"
        let response = try await call(
            .delete, "/containers/\(Self.pathSegment(id))", query: [("force", force ? "1" : "0"), ("v", volumes ? "1" : "0")],
            operation: operation, timeout: requestTimeout + .seconds(15))
        try expect(response, [204, 200], operation: operation, notFound: ("container", id))
    }

    /// Force-removes every container carrying all `labels` (`key=value`) and returns their
    /// names; containers that vanish meanwhile are skipped.
    @discardableResult
    package func removeContainers(labels: [String], volumes: Bool = true) async throws -> [String] {
        guard !labels.isEmpty else {
            throw ContainerEngineError.invalidRequest(operation: "remove containers by label", reason: "no label given (that would remove everything)")
        }
        var removed: [String] = []
        for container in try await listContainers(ContainerListOptions(all: true, labels: labels)) {
            do {
                try await removeContainer(container.id, force: true, volumes: volumes)
                removed.append(container.name)
            } catch ContainerEngineError.notFound {
                continue
            }
        }
        return removed
    }

    /// Waits until the container stops (`POST /containers/{id}/wait`) and returns its exit code;
    /// ``ContainerEngineError/timedOut(operation:after:)`` after `timeout`.
    package func waitContainer(_ id: String, timeout: Duration) async throws -> Int64 {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Waited: Decodable {
            struct WaitError: Decodable { let Message: String? }
            let StatusCode: Int64
            let Error: WaitError?
        }
        let operation = "POST /containers/\(id)/wait"
        let response = try await call(
            .post, "/containers/\(Self.pathSegment(id))/wait", query: [("condition", "not-running")], operation: operation, timeout: timeout)
        try expect(response, [200], operation: operation, notFound: ("container", id))
        let waited = try decode(Waited.self, response, operation: operation)
        if let message = waited.Error?.Message, !message.isEmpty {
            throw ContainerEngineError.http(status: 200, operation: operation, message: message)
        }
        return waited.StatusCode
    }

    /// A call on one container that answers with no body worth reading.
    private func simple(
        _ method: EngineMethod, _ id: String, action: String, query: [(String, String)] = [], accepted: Set<Int>, extraTime: Duration = .zero
    ) async throws {
        let operation = "\(method.rawValue) /containers/\(id)/\(action)"
        let response = try await call(
            method, "/containers/\(Self.pathSegment(id))/\(action)", query: query, operation: operation, timeout: requestTimeout + extraTime)
        try expect(response, accepted, operation: operation, notFound: ("container", id))
    }

    /// Whole seconds of `duration`, at least 0, rounded up (the API's `t` is in seconds).
    static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return attoseconds > 0 && seconds < .max ? seconds + 1 : seconds
    }

    /// The JSON of a `filters` query parameter (`{"label":["k=v"]}`).
    static func filters(_ filters: [String: [String]], operation: String) throws(ContainerEngineError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(filters), let text = String(data: data, encoding: .utf8) else {
            throw .invalidRequest(operation: operation, reason: "cannot encode the filters")
        }
        return text
    }
}
