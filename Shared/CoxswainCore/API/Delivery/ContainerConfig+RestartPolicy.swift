extension ContainerConfig {
    /// When the engine restarts the container. On the wire an object like the Engine API's:
    /// `{"name": "on-failure", "maxRetries": 5}`; written `on-failure:5` on the command line.
    public enum RestartPolicy: Sendable, Equatable, Codable, CustomStringConvertible {
        case no
        case always
        case unlessStopped
        /// Restart after a non-zero exit, at most `maxRetries` times (nil: without limit).
        case onFailure(maxRetries: Int?)

        /// `no`, `always`, `unless-stopped`, `on-failure`.
        public var name: String {
            switch self {
            case .no: "no"
            case .always: "always"
            case .unlessStopped: "unless-stopped"
            case .onFailure: "on-failure"
            }
        }

        /// `on-failure:5`, `unless-stopped`.
        public var description: String {
            if case .onFailure(let max?) = self { return "on-failure:\(max)" }
            return name
        }

        /// From `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`; nil for anything else.
        public init?(parsing text: String) {
            switch text {
            case "no": self = .no
            case "always": self = .always
            case "unless-stopped": self = .unlessStopped
            case "on-failure": self = .onFailure(maxRetries: nil)
            default:
                let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0] == "on-failure", parts[1].count <= 9, let max = Int(parts[1]), max >= 0 else { return nil }
                self = .onFailure(maxRetries: max)
            }
        }

        enum CodingKeys: String, CodingKey {
            case name, maxRetries
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let name = try c.decode(String.self, forKey: .name)
            let maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries)
            switch name {
            case "no": self = .no
            case "always": self = .always
            case "unless-stopped": self = .unlessStopped
            case "on-failure": self = .onFailure(maxRetries: maxRetries)
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .name, in: c, debugDescription: "restart policy must be no, always, unless-stopped or on-failure")
            }
            if maxRetries != nil, name != "on-failure" {
                throw DecodingError.dataCorruptedError(forKey: .maxRetries, in: c, debugDescription: "maxRetries goes with on-failure only")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            if case .onFailure(let max?) = self { try c.encode(max, forKey: .maxRetries) }
        }
    }
}
