extension ContainerEngine {
    /// Lists the networks (`GET /networks`).
    package func listNetworks() async throws -> [NetworkSummary] {
        let operation = "GET /networks"
        let response = try await call(.get, "/networks", operation: operation)
        try expect(response, [200], operation: operation)
        return try decode([NetworkSummary].self, response, operation: operation)
    }

    /// Lists the volumes (`GET /volumes`).
    package func listVolumes() async throws -> [VolumeSummary] {
        let operation = "GET /volumes"
        let response = try await call(.get, "/volumes", operation: operation)
        try expect(response, [200], operation: operation)
        return try decode(VolumeListResponse.self, response, operation: operation).Volumes ?? []
    }

    /// Creates a bridge network (`POST /networks/create`) named `name` with `labels`, unless one
    /// of that name exists (then nothing is done). Returns whether it created one.
    @discardableResult
    package func ensureNetwork(_ name: String, labels: [String: String] = [:]) async throws -> Bool {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct CreateBody: Encodable, Sendable {
            let Name: String
            let CheckDuplicate = true
            let Labels: [String: String]?
        }
        if try await listNetworks().contains(where: { $0.name == name }) { return false }
        let operation = "POST /networks/create"
        let response = try await call(.post, "/networks/create", body: CreateBody(Name: name, Labels: labels.isEmpty ? nil : labels), operation: operation)
        // 409: created meanwhile (by a rollout beside this one); Podman answers 500 "network already exists".
        if response.status == 409 || (response.status == 500 && Self.engineMessage(response.body).contains("already exists")) { return false }
        try expect(response, [201, 200], operation: operation)
        return true
    }

    /// Connects a container to a network (`POST /networks/{name}/connect`): dockerd before API
    /// 1.44 attaches only one network at create, so the others are connected before the start.
    package func connectNetwork(_ network: String, container: String, aliases: [String] = []) async throws {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Endpoint: Encodable, Sendable { let Aliases: [String]? }
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct ConnectBody: Encodable, Sendable {
            let Container: String
            let EndpointConfig: Endpoint
        }
        let operation = "POST /networks/\(network)/connect"
        let response = try await call(
            .post, "/networks/\(Self.pathSegment(network))/connect",
            body: ConnectBody(Container: container, EndpointConfig: Endpoint(Aliases: aliases.isEmpty ? nil : aliases)), operation: operation)
        try expect(response, [200, 201, 204], operation: operation, notFound: ("network", network))
    }
}
