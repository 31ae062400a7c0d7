extension ContainerConfig {
    /// Linux capabilities added to or dropped from the engine's default set: `NET_ADMIN` or
    /// `CAP_NET_ADMIN`, or `ALL`.
    public struct Capabilities: Codable, Sendable, Equatable {
        public var add: [String]?
        public var drop: [String]?

        public init(add: [String]? = nil, drop: [String]? = nil) {
            self.add = add
            self.drop = drop
        }
    }
}
