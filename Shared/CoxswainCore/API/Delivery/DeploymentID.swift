/// Identifies one deployment: a version on a node under a prefix; a lower-case UUID string in the store.
public struct DeploymentID: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: UUIDString
    public init(_ rawValue: UUIDString) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: DeploymentID, rhs: DeploymentID) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
