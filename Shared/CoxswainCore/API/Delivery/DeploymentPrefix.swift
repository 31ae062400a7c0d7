/// The prefix a deployment's containers are named under (`<prefix>-<name>`): an RFC 1123 label,
/// lowercase letters, digits and `-`, 1 to 63 characters, not starting or ending with `-`.
public struct DeploymentPrefix: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// A prefix, or nil when `raw` is not an RFC 1123 label.
    public init?(_ raw: String) {
        guard Self.isValid(raw) else { return nil }
        rawValue = raw
    }

    public static func isValid(_ raw: String) -> Bool { ContainerOperation.isDNSLabel(raw) }

    public var description: String { rawValue }
    public static func < (lhs: DeploymentPrefix, rhs: DeploymentPrefix) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard Self.isValid(raw) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "prefix is not a DNS label (lowercase letters, digits and '-', 1 to 63)")
        }
        rawValue = raw
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
