import ArgumentParser
import Foundation

/// Command-line options every service executable accepts. A flag given here wins over the
/// `COXSWAIN_…` environment, which wins over the config file, which wins over the default.
package struct ServiceOptions: ParsableArguments {
    @Option(name: .long, help: "YAML config file (default /etc/coxswain/config.yaml when present; env COXSWAIN_CONFIG_FILE).")
    package var configFile: String?

    @Option(name: .long, help: "PostgreSQL URL (key database.url, env COXSWAIN_DATABASE_URL).")
    package var databaseURL: String?

    @Option(name: .long, help: "RabbitMQ URL (key amqp.url, env COXSWAIN_AMQP_URL).")
    package var amqpURL: String?

    @Option(name: .long, help: "Log level (key log.level, env COXSWAIN_LOG_LEVEL).")
    package var logLevel: String?

    @Option(name: .long, help: "Log format text|json (key log.format, env COXSWAIN_LOG_FORMAT).")
    package var logFormat: String?

    @Option(name: .long, help: "Health and metrics listener host:port (key metrics.listen, env COXSWAIN_METRICS_LISTEN; default off).")
    package var metricsListen: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Any configuration key: --set key=value (repeatable).", valueName: "key=value"))
    package var settings: [String] = []

    package init() {}

    /// The flags actually given, by configuration key, merged with service-specific ones.
    package func flags(adding extra: [String: String?] = [:]) throws -> [String: String] {
        var out: [String: String] = [:]
        for s in settings {
            let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--set expects key=value, got '\(s)'")
            }
            out[parts[0]] = parts[1]
        }
        if let databaseURL { out["database.url"] = databaseURL }
        if let amqpURL { out["amqp.url"] = amqpURL }
        if let logLevel { out["log.level"] = logLevel }
        if let logFormat { out["log.format"] = logFormat }
        if let metricsListen { out["metrics.listen"] = metricsListen }
        for (k, v) in extra { if let v { out[k] = v } }
        return out
    }

    /// The layered configuration for this process.
    package func reader(adding extra: [String: String?] = [:]) async throws -> ConfigReaderStack {
        try await ConfigReaderStack(flags: flags(adding: extra), environment: ProcessInfo.processInfo.environment, configFile: configFile)
    }
}

/// Formats a configuration key table for `--help` discussions.
package func configurationHelp(_ keys: [(key: String, help: String)]) -> String {
    "Configuration keys (flag > env COXSWAIN_<KEY> > config file > default):\n"
        + keys.map { "  \($0.key.padding(toLength: 32, withPad: " ", startingAt: 0)) \($0.help)" }.joined(separator: "\n")
}
