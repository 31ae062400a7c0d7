#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        /// The node's address it is published on (`127.0.0.1`, `::1`); every address when nil.
        public var hostIP: String?

        public init(internal: Int, external: Int? = nil, proto: PortProtocol = .tcp, hostIP: String? = nil) {
            self.internal = `internal`
            self.external = external
            self.proto = proto
            self.hostIP = hostIP
        }

        /// What layers merge on: the internal port and protocol, `8080/tcp`.
        public var key: String { "\(`internal`)/\(proto.rawValue)" }

        enum CodingKeys: String, CodingKey {
            case `internal`, external, hostIP
            case proto = "protocol"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.internal = try c.decode(Int.self, forKey: .internal)
            external = try c.decodeIfPresent(Int.self, forKey: .external)
            proto = try c.decodeIfPresent(PortProtocol.self, forKey: .proto) ?? .tcp
            hostIP = try c.decodeIfPresent(String.self, forKey: .hostIP)
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

            /// How many ports, or nil when the span is reversed or wider than any port range could be
            /// (the ends come from requests: no arithmetic on them may trap).
            public var width: Int? {
                guard to >= from else { return nil }
                let (difference, overflow) = to.subtractingReportingOverflow(from)
                guard !overflow, difference < Int.max else { return nil }
                return difference + 1
            }
        }

        public var `internal`: Span
        public var external: Span?
        public var proto: PortProtocol
        /// The node's address the range is published on; every address when nil.
        public var hostIP: String?

        public init(internal: Span, external: Span? = nil, proto: PortProtocol = .tcp, hostIP: String? = nil) {
            self.internal = `internal`
            self.external = external
            self.proto = proto
            self.hostIP = hostIP
        }

        /// What layers merge on: the internal span and protocol, `9000-9009/udp`.
        public var key: String { "\(`internal`.from)-\(`internal`.to)/\(proto.rawValue)" }

        enum CodingKeys: String, CodingKey {
            case `internal`, external, hostIP
            case proto = "protocol"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.internal = try c.decode(Span.self, forKey: .internal)
            external = try c.decodeIfPresent(Span.self, forKey: .external)
            proto = try c.decodeIfPresent(PortProtocol.self, forKey: .proto) ?? .tcp
            hostIP = try c.decodeIfPresent(String.self, forKey: .hostIP)
        }
    }
}

extension ContainerConfig {
    /// Whether `raw` is an IPv4 or IPv6 address literal (what `hostIP` must be).
    public static func isIPAddress(_ raw: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return raw.withCString { inet_pton(AF_INET, $0, &v4) == 1 || inet_pton(AF_INET6, $0, &v6) == 1 }
    }
}
