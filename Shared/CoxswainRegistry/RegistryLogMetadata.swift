/// Logger metadata keys of the registry client (dotted, stable; dashboards filter on them).
enum RegistryLogMetadata {
    /// The registry's name in its team.
    static let registry = "registry.name"
    /// The HTTP method and URL (never with credentials; URLs carry none).
    static let request = "registry.request"
    /// HTTP status of the answer.
    static let status = "registry.status"
    /// Milliseconds the request took.
    static let milliseconds = "registry.ms"
    /// Error description (safe to log).
    static let error = "registry.error"
}
