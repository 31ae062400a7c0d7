extension ContainerEngine {
    /// Runs the container's health check once, now (Podman's `GET /libpod/containers/{id}/healthcheck`),
    /// and returns whether this run passed. Podman without systemd never runs health checks by
    /// itself: whoever waits for `healthy` drives them with this call, on the check's interval.
    /// The engine records the run as its own would (failing streak, start period, retries, log),
    /// so ``inspectContainer(_:)`` then shows the container's health. A container that does not
    /// run, or has no health check, is ``ContainerEngineError/conflict(operation:message:)``.
    /// Podman only (dockerd runs its checks itself and has no such call).
    package func runHealthcheck(_ id: String, timeout: Duration) async throws -> Bool {
        // The API's field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Report: Decodable { let Status: String? }
        let operation = "GET /libpod/containers/\(id)/healthcheck"
        let response = try await libpodCall(.get, "/containers/\(Self.pathSegment(id))/healthcheck", operation: operation, timeout: timeout)
        try expect(response, [200], operation: operation, notFound: ("container", id))
        return try decode(Report.self, response, operation: operation).Status == "healthy"
    }
}
