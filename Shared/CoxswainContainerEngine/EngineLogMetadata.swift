/// Logger metadata keys of the container engine client (dotted, stable; dashboards filter on them).
enum EngineLogMetadata {
    /// The engine's UNIX socket path.
    static let socket = "engine.socket"
    /// The API call (`POST /containers/create`).
    static let operation = "engine.operation"
    /// HTTP status of the engine's answer.
    static let status = "engine.status"
    /// Milliseconds the call took.
    static let milliseconds = "engine.ms"
    /// Container ID or name.
    static let container = "container.id"
    /// Image reference (never with credentials).
    static let image = "image.reference"
    /// Error description (safe to log).
    static let error = "engine.error"
}
