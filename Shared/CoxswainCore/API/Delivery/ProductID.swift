/// Identifies a product (a team's set of images released as versions); a lower-case UUID string in the store.
public struct ProductID: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: UUIDString
    public init(_ rawValue: UUIDString) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: ProductID, rhs: ProductID) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
