extension ContainerConfig {
    /// The engine's logging driver for the container (`json-file`, `journald`, `local`, …) and its options.
    public struct LogConfig: Codable, Sendable, Equatable {
        public var driver: String
        public var options: [String: String]?

        public init(driver: String, options: [String: String]? = nil) {
            self.driver = driver
            self.options = options
        }
    }
}
