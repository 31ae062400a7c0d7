/// Why a systemd unit could not be written. Every case is permanent: the input must change.
package enum SystemdUnitError: Error, CustomStringConvertible, Equatable {
    /// A path is not absolute (systemd starts services in `/`, so a relative path would not
    /// mean what it means here). `what` says which path.
    case relativePath(what: String, path: String)
    /// A value has a line break or another control character, which would break the unit file.
    case controlCharacter(what: String)
    /// The group name is not a valid user or group name.
    case invalidGroup(String)
    /// The user name is not a valid user name.
    case invalidUser(String)

    /// What went wrong and what to change; safe to log.
    package var description: String {
        switch self {
        case .relativePath(let what, let path):
            "the \(what) '\(path)' is not absolute; give the full path (e.g. /usr/local/bin/coxswain-gateway, /etc/coxswain/config.yaml)"
        case .controlCharacter(let what):
            "the \(what) contains a line break or another control character"
        case .invalidGroup(let group):
            "'\(group)' is not a valid group name; use letters, digits, '_', '-' and '.', starting with a letter or '_' (at most 32)"
        case .invalidUser(let user):
            "'\(user)' is not a valid user name; use letters, digits, '_', '-' and '.', starting with a letter or '_' (at most 32)"
        }
    }

    /// Unit errors never go away by retrying.
    package var isRetriable: Bool { false }
}
