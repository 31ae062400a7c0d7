extension ContainerConfig {
    /// A volume mounted into the container: a named volume (`name`), a bind mount of a node path
    /// (`hostPath`), or an anonymous volume (neither).
    public struct Volume: Codable, Sendable, Equatable {
        /// A named volume, created on the node when missing.
        public var name: String?
        /// An absolute path on the node, bind-mounted.
        public var hostPath: String?
        /// Where it is mounted in the container (absolute); what layers merge on.
        public var containerPath: String
        /// Mounted read-only; read-write when nil.
        public var readOnly: Bool?

        public init(name: String? = nil, hostPath: String? = nil, containerPath: String, readOnly: Bool? = nil) {
            self.name = name
            self.hostPath = hostPath
            self.containerPath = containerPath
            self.readOnly = readOnly
        }
    }
}
