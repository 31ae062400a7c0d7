extension ContainerConfig {
    /// A container run to completion before the main one is created (a migration, a fix-up). Init
    /// containers run in order, with the main container's volumes and networks, and each must exit 0.
    public struct InitContainer: Codable, Sendable, Equatable {
        /// An RFC 1123 label, unique among the instance's init containers; the engine's name is
        /// `<prefix>-<instance>-init-<name>`.
        public var name: String
        /// A full image reference (`registry/repository:tag`).
        public var image: String
        /// Replaces the image's entrypoint.
        public var command: [String]?
        public var args: [String]?

        public init(name: String, image: String, command: [String]? = nil, args: [String]? = nil) {
            self.name = name
            self.image = image
            self.command = command
            self.args = args
        }
    }
}
