import Configuration
import Foundation
import SystemPackage

/// Reads configuration keys from, in this precedence: command-line flags > `COXSWAIN_…`
/// environment variables > the YAML config file > built-in defaults, through swift-configuration.
///
/// Keys are dotted and lowercase with underscores (`amqp.url`, `gateway.http_port`); the matching
/// environment variable is `COXSWAIN_` plus the key upper-cased with dots as underscores
/// (`COXSWAIN_AMQP_URL`); in the YAML file a key is a nested mapping (`amqp: {url: …}`).
/// Every typed accessor validates and throws `ConfigError` naming the key.
package struct ConfigReaderStack: Sendable {
    private let reader: ConfigReader
    /// The config file that was read, if any.
    package let configFilePath: String?

    /// Default config file location when none is named.
    package static let defaultConfigFile = "/etc/coxswain/config.yaml"

    /// - Parameters:
    ///   - flags: values given on the command line, by key (only the flags actually given).
    ///   - environment: the process environment (injected for tests).
    ///   - configFile: an explicit `--config-file`; must exist. When nil, the default file is read if present.
    package init(flags: [String: String], environment: [String: String], configFile: String?) async throws(ConfigError) {
        var providers: [any ConfigProvider] = []
        providers.append(
            InMemoryProvider(
                name: "flags",
                values: Dictionary(
                    uniqueKeysWithValues: flags.map {
                        (AbsoluteConfigKey($0.key.split(separator: ".").map(String.init)), ConfigValue(.string($0.value), isSecret: true))
                    })
            )
        )
        providers.append(
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .all).prefixKeys(with: "coxswain")
        )
        let path = configFile ?? environment["COXSWAIN_CONFIG_FILE"]
        let explicit = path != nil
        let filePath = path ?? Self.defaultConfigFile
        if explicit || FileManager.default.fileExists(atPath: filePath) {
            do {
                let file = try await FileProvider<YAMLSnapshot>(
                    parsingOptions: .init(secretsSpecifier: .all),
                    filePath: FilePath(filePath),
                    allowMissing: false
                )
                providers.append(file)
                configFilePath = filePath
            } catch {
                throw .unreadableFile(path: filePath, reason: "\(error)")
            }
        } else {
            configFilePath = nil
        }
        reader = ConfigReader(providers: providers)
    }

    /// The environment variable that sets `key`.
    package static func environmentName(for key: String) -> String {
        "COXSWAIN_" + key.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    private func raw(_ key: String) -> String? {
        reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: true)
    }

    /// A string; empty strings count as unset.
    package func string(_ key: String) -> String? {
        guard let v = raw(key)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    package func string(_ key: String, default defaultValue: String) -> String {
        string(key) ?? defaultValue
    }

    package func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let v = string(key) else { throw .missing(key: key) }
        return v
    }

    package func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let s = string(key) else { return defaultValue }
        guard let v = Int(s) else { throw .invalidValue(key: key, reason: "'\(s)' is not a whole number") }
        guard range.contains(v) else {
            throw .invalidValue(key: key, reason: "\(v) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// A duration in seconds (`5`, `0.5`) or with a unit (`250ms`, `5s`, `2m`, `1h`).
    package func duration(_ key: String, default defaultValue: Duration, minimum: Duration = .zero) throws(ConfigError) -> Duration {
        guard let s = string(key) else { return defaultValue }
        guard let d = Self.parseDuration(s) else {
            throw .invalidValue(key: key, reason: "'\(s)' is not a duration (e.g. 5, 0.5, 250ms, 5s, 2m, 1h)")
        }
        guard d >= minimum else { throw .invalidValue(key: key, reason: "must be at least \(minimum)") }
        return d
    }

    package func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let s = string(key)?.lowercased() else { return defaultValue }
        switch s {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw .invalidValue(key: key, reason: "'\(s)' is not a boolean (true/false)")
        }
    }

    /// A `host:port` to listen on, or nil when unset (`off`/`none` also turn it off).
    package func listenAddress(_ key: String) throws(ConfigError) -> ListenAddress? {
        guard let s = string(key), !["off", "none"].contains(s.lowercased()) else { return nil }
        guard let address = ListenAddress(parsing: s) else {
            throw .invalidValue(key: key, reason: "'\(s)' is not host:port with a port in 1...65535 (e.g. 127.0.0.1:9090, 0.0.0.0:9090, [::1]:9090)")
        }
        return address
    }

    /// `k=v,k2=v2` pairs.
    package func stringMap(_ key: String) throws(ConfigError) -> [String: String] {
        guard let s = string(key) else { return [:] }
        var out: [String: String] = [:]
        for pair in s.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .invalidValue(key: key, reason: "'\(pair)' is not key=value")
            }
            out[parts[0]] = parts[1]
        }
        return out
    }

    /// The longest duration any key may have: 100 years (longer ones would overflow dates and
    /// timers downstream; a value beyond it is refused as invalid, naming the key).
    package static let maximumDurationSeconds: Double = 100 * 365 * 86_400

    package static func parseDuration(_ s: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        func checked(_ seconds: Double) -> Duration? {
            guard seconds.isFinite, seconds >= 0, seconds <= maximumDurationSeconds else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            if let v = Double(s.dropLast(suffix.count)) { return checked(v * factor) }
        }
        if let v = Double(s) { return checked(v) }
        return nil
    }
}
