extension ContainerConfig {
    /// A port's transport protocol; `tcp` when not given.
    public enum PortProtocol: String, Codable, Sendable, CaseIterable {
        case tcp
        case udp
    }

    /// A container port, published on the node when `external` is set.
    public struct Port: Codable, Sendable, Equatable {
        /// The port inside the container.
        public var `internal`: Int
        /// The node's port it is published on, or nil for not published.
        public var external: Int?
        public var proto: PortProtocol

        public init(internal: Int, external: Int? = nil, proto: PortProtocol = .tcp) {
            self.internal = `internal`
            self.external = external
            self.proto = proto
        }

        /// What layers merge on: the internal port and protocol, `8080/tcp`.
        public var key: String { "\(`internal`)/\(proto.rawValue)" }

        enum CodingKeys: String, CodingKey {
            case `internal`, external
            case proto = "protocol"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.internal = try c.decode(Int.self, forKey: .internal)
            external = try c.decodeIfPresent(Int.self, forKey: .external)
            proto = try c.decodeIfPresent(PortProtocol.self, forKey: .proto) ?? .tcp
        }
    }

    /// A range of container ports, published on as wide a range of the node's ports when `external` is set.
    public struct PortRange: Codable, Sendable, Equatable {
        /// Consecutive ports, both ends included.
        public struct Span: Codable, Sendable, Equatable {
            public var from: Int
            public var to: Int

            public init(from: Int, to: Int) {
                self.from = from
                self.to = to
            }

            /// How many ports, or nil when the span is reversed.
            public var width: Int? { to >= from ? to - from + 1 : nil }
        }

        public var `internal`: Span
        public var external: Span?
        public var proto: PortProtocol

        public init(internal: Span, external: Span? = nil, proto: PortProtocol = .tcp) {
            self.internal = `internal`
            self.external = external
            self.proto = proto
        }

        /// What layers merge on: the internal span and protocol, `9000-9009/udp`.
        public var key: String { "\(`internal`.from)-\(`internal`.to)/\(proto.rawValue)" }

        enum CodingKeys: String, CodingKey {
            case `internal`, external
            case proto = "protocol"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.internal = try c.decode(Span.self, forKey: .internal)
            external = try c.decodeIfPresent(Span.self, forKey: .external)
            proto = try c.decodeIfPresent(PortProtocol.self, forKey: .proto) ?? .tcp
        }
    }
}
