/// A member's role in a team. Each role can do everything the ones below it can:
/// viewers read, members run jobs, admins manage nodes and members, owners manage the team.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer
    case member
    case admin
    case owner

    var rank: Int {
        switch self {
        case .viewer: 0
        case .member: 1
        case .admin: 2
        case .owner: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Identifies a team.
public struct TeamID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: UUIDString
    public init(_ rawValue: UUIDString) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// The team every installation starts with; the UNIX socket's local operator acts in it by default.
    public static let defaultTeam = TeamID("00000000-0000-0000-0000-000000000001")
}

/// A lower-case UUID string.
public typealias UUIDString = String
