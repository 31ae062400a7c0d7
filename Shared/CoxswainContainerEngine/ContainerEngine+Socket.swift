extension ContainerEngine {
    /// The same client (HTTP client, logger, time limit) for the engine listening on `socketPath`
    /// (a job's `--socket-path`).
    package func atSocket(_ socketPath: String) -> ContainerEngine {
        ContainerEngine(socketPath: socketPath, httpClient: httpClient, logger: logger, requestTimeout: requestTimeout)
    }
}
