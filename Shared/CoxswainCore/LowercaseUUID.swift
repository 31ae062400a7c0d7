import Foundation

/// A UUID written in lowercase on the wire (Foundation's `UUID` encodes in uppercase, and ids are
/// lowercase everywhere Coxswain prints or sends them); any case is read.
@propertyWrapper
public struct LowercaseUUID: Codable, Sendable, Hashable {
    public var wrappedValue: UUID
    public init(wrappedValue: UUID) { self.wrappedValue = wrappedValue }
    public init(from decoder: any Decoder) throws { wrappedValue = try UUID(from: decoder) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue.uuidString.lowercased())
    }
}
