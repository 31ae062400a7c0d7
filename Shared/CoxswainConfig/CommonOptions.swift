import Foundation
import Logging

/// Keys every service reads: where Postgres and RabbitMQ are and how loud to log.
package struct CommonConfiguration: Sendable {
    /// `database.url` (secret): `postgres://user:password@host:port/database`.
    package var databaseURL: String?
    /// `amqp.url` (secret): `amqp://user:password@host:port/vhost`. Optional only for an enrolled
    /// Deployer, which uses the broker user it got at enrolment.
    package var amqpURL: String?
    /// `log.level`: trace, debug, info, notice, warning, error, critical. Default info.
    package var logLevel: Logger.Level
    /// `log.format`: `text` (default) or `json` (one object per line, metadata as fields).
    package var logFormat: LogFormat
    /// `amqp.heartbeat`: AMQP heartbeat interval. Default 10s.
    package var amqpHeartbeat: Duration
    /// `metrics.listen`: `host:port` of the health and metrics listener (`/health/live`,
    /// `/health/ready`, `/metrics`). Nil (the default): no listener.
    package var metricsListen: ListenAddress?

    package static let keys: [(key: String, help: String)] = [
        ("database.url", "PostgreSQL URL postgres://user:password@host:port/database (secret)"),
        ("amqp.url", "RabbitMQ URL amqp://user:password@host:port/vhost (secret)"),
        ("amqp.heartbeat", "AMQP heartbeat interval (default 10s)"),
        ("log.level", "trace|debug|info|notice|warning|error|critical (default info)"),
        ("log.format", "text|json: readable lines, or one JSON object per line with the metadata as fields (default text)"),
        ("metrics.listen", "host:port of the health and metrics listener (/health/live, /health/ready, /metrics); unauthenticated (default off)"),
    ]

    package init(_ config: ConfigReaderStack, needsDatabase: Bool, needsBroker: Bool = true) throws(ConfigError) {
        databaseURL = config.string("database.url")
        if needsDatabase, databaseURL == nil { throw .missing(key: "database.url") }
        amqpURL = config.string("amqp.url")
        if needsBroker, amqpURL == nil { throw .missing(key: "amqp.url") }
        let level = config.string("log.level", default: "info")
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw .invalidValue(key: "log.level", reason: "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsed
        let format = config.string("log.format", default: "text")
        guard let parsedFormat = LogFormat(rawValue: format.lowercased()) else {
            throw .invalidValue(key: "log.format", reason: "'\(format)' is not one of text, json")
        }
        logFormat = parsedFormat
        amqpHeartbeat = try config.duration("amqp.heartbeat", default: .seconds(10), minimum: .seconds(1))
        metricsListen = try config.listenAddress("metrics.listen")
    }
}

/// Logging bootstrap for `main` only: readable lines (`text`) or JSON lines (`json`) on stderr,
/// with the service label.
package enum LoggingBootstrap {
    package static func bootstrap(level: Logger.Level, format: LogFormat = .text) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
