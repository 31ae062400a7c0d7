/// A configuration problem that stops the process at start, naming the key (never its secret value).
package enum ConfigError: Error, CustomStringConvertible, Equatable {
    /// A key has a value that cannot be used.
    case invalidValue(key: String, reason: String)
    /// A required key has no value in any source.
    case missing(key: String)
    /// The configuration file could not be read or parsed.
    case unreadableFile(path: String, reason: String)

    package var description: String {
        switch self {
        case .invalidValue(let key, let reason):
            "invalid configuration '\(key)' (env \(ConfigReaderStack.environmentName(for: key))): \(reason)"
        case .missing(let key):
            "missing configuration '\(key)': set it with a flag, env \(ConfigReaderStack.environmentName(for: key)) or the config file"
        case .unreadableFile(let path, let reason):
            "cannot read config file \(path): \(reason)"
        }
    }

    /// Configuration errors never go away by retrying.
    package var isRetriable: Bool { false }
}
