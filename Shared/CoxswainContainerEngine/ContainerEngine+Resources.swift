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
}
