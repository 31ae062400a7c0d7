import Logging

/// Logger metadata keys of the AMQP client (dotted, stable; dashboards filter on them).
enum AMQPLogMetadata {
    /// Connection name given in the configuration.
    static let connection = "amqp.connection"
    /// Broker endpoint without credentials (`host:port/vhost`).
    static let endpoint = "amqp.endpoint"
    /// Queue a consumer reads.
    static let queue = "amqp.queue"
    /// Reconnect attempt number (1 = first retry).
    static let attempt = "amqp.attempt"
    /// Delay before the next attempt.
    static let delay = "amqp.delay"
    /// Connection generation of a consumer or publisher.
    static let generation = "amqp.generation"
    /// Error description (safe to log).
    static let error = "amqp.error"
    /// Number of messages involved.
    static let count = "amqp.count"
}

extension Logger {
    /// Logs a failed connection attempt: warning while retrying makes sense, error when it does not.
    func amqpConnectFailed(_ role: String, error: AMQPError, attempt: Int, delay: Duration) {
        let metadata: Logger.Metadata = [
            AMQPLogMetadata.error: "\(error)",
            AMQPLogMetadata.attempt: "\(attempt)",
            AMQPLogMetadata.delay: "\(delay)",
        ]
        log(level: error.isRetriable ? .warning : .error, "AMQP \(role) connect failed", metadata: metadata)
    }
}
