extension ContainerConfig {
    /// How the container is networked.
    public enum NetworkMode: String, Codable, Sendable, CaseIterable {
        /// The engine's bridge (and any `networks` listed).
        case bridge
        /// The node's own network stack: no published ports, no other networks.
        case host
        /// No network at all.
        case none
    }
}
