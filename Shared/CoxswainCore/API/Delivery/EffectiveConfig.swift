/// A container's configuration after layering (image → deployment → instance), with the layer each
/// value came from: what `show --effective` prints and what a rollout freezes.
public struct EffectiveConfig: Codable, Sendable, Equatable {
    /// The merged configuration.
    public var config: ContainerConfig
    /// Field path → the layer its value came from. Scalars and whole-value fields by name (`user`,
    /// `healthCheck`); keyed fields per key: `environment.PORT`, `labels.tier`, `secrets.DB_PASSWORD`,
    /// `ports.8080/tcp`, `portRanges.9000-9009/udp`, `volumes./data`.
    public var provenance: [String: ConfigLayer]

    public init(config: ContainerConfig = ContainerConfig(), provenance: [String: ConfigLayer] = [:]) {
        self.config = config
        self.provenance = provenance
    }

    /// The layer the value at `path` came from, or nil when no layer set it.
    public func layer(of path: String) -> ConfigLayer? { provenance[path] }
}
