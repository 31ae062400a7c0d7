/// Logger metadata keys of the broker administration (dotted, stable; dashboards filter on them).
enum BrokerAdminLogMetadata {
    /// Management API root without credentials.
    static let endpoint = "broker.endpoint"
    /// Virtual host whose permissions are managed.
    static let vhost = "broker.vhost"
    /// Broker user a call is about (never its password).
    static let user = "broker.user"
    /// Node name.
    static let node = "node.name"
    /// HTTP method of a management request.
    static let method = "http.method"
    /// Path of a management request (no credentials; names only).
    static let path = "http.path"
    /// HTTP status the API answered.
    static let status = "http.status"
    /// Number of broker connections involved.
    static let connections = "broker.connections"
    /// How long an operation took.
    static let duration = "broker.duration"
    /// Error description (safe to log).
    static let error = "broker.error"
}
