/// How a version changes over time.
public enum VersionKind: String, Codable, Sendable, CaseIterable {
    /// Mutable and redeployable: one deployment per node and prefix, edited and deployed again in place.
    case rolling
    /// One link of a parent → child chain: frozen once deployed or increased; rolling back means
    /// deploying an obsolete deployment again.
    case incremental
}
