/// Everything a bootstrap run does, planned and checked before any SSH connection: the hosts
/// in order (servers, bootstrapped one after the other, then clients, several at a time) with
/// their rendered steps, and the local files their uploads need.
///
/// It is `Codable` so that it can travel in a message; before it does, the CLI uploads
/// ``localSources`` and calls ``replaceSources(_:)`` so that no step names a local path.
package struct BootstrapPlan: Sendable, Equatable, Hashable, Codable {
    /// Every host: servers first, in catalog order, then clients in catalog order.
    package var hosts: [BootstrapHost]
    /// The absolute paths of the local files that upload steps read, each once, in the order
    /// first used.
    package var localSources: [String]

    /// A plan of `hosts`; `localSources` defaults to the paths their upload steps read.
    package init(hosts: [BootstrapHost], localSources: [String]? = nil) {
        self.hosts = hosts
        self.localSources = localSources ?? Self.paths(in: hosts)
    }

    /// The hosts of the server section, in order.
    package var servers: [BootstrapHost] { hosts.filter { $0.role == .server } }

    /// The hosts of the clients section, in order.
    package var clients: [BootstrapHost] { hosts.filter { $0.role == .client } }

    /// Replaces upload sources: every ``BootstrapSource/path(_:)`` source that `replacements`
    /// has a key for becomes its value (typically an ``BootstrapSource/artifact(digest:size:)``),
    /// and ``localSources`` keeps only the paths still used.
    package mutating func replaceSources(_ replacements: [String: BootstrapSource]) {
        for hostIndex in hosts.indices {
            for stepIndex in hosts[hostIndex].steps.indices {
                guard case .upload(.path(let path), let destination, let mode) = hosts[hostIndex].steps[stepIndex].action,
                    let replacement = replacements[path]
                else { continue }
                hosts[hostIndex].steps[stepIndex].action = .upload(source: replacement, destination: destination, mode: mode)
            }
        }
        localSources = Self.paths(in: hosts)
    }

    private static func paths(in hosts: [BootstrapHost]) -> [String] {
        var seen = Set<String>()
        var paths: [String] = []
        for host in hosts {
            for step in host.steps {
                if case .upload(.path(let path), _, _) = step.action, seen.insert(path).inserted { paths.append(path) }
            }
        }
        return paths
    }
}
