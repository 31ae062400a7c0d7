/// Which catalog section a host comes from. Servers are bootstrapped first, one after the
/// other; clients after them, several at a time.
package enum BootstrapRole: String, Sendable, Equatable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A host of the `coxswain_server` (`directord_server`) section.
    case server
    /// A host of the `coxswain_clients` (`directord_clients`) section.
    case client

    /// The section's key: `coxswain_server` or `coxswain_clients`.
    package var sectionKey: String {
        switch self {
        case .server: "coxswain_server"
        case .client: "coxswain_clients"
        }
    }

    /// The section's Directord spelling, accepted as an alias: `directord_server` or
    /// `directord_clients`.
    package var directordKey: String {
        switch self {
        case .server: "directord_server"
        case .client: "directord_clients"
        }
    }

    /// The role whose section is spelled `key` (either spelling), if any.
    package init?(sectionKey key: String) {
        guard let role = Self.allCases.first(where: { $0.sectionKey == key || $0.directordKey == key }) else { return nil }
        self = role
    }

    /// `server` or `client`.
    package var description: String { rawValue }
}
