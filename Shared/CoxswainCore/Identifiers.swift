import Foundation

/// Identifies one job: a verb submitted once, fanned out to many nodes.
public struct JobID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }
    public init?(string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }
    public var description: String { rawValue.uuidString.lowercased() }
    public init(from decoder: any Decoder) throws { rawValue = try UUID(from: decoder) }
    /// Lowercase on the wire, as everywhere else (Foundation's UUID encodes in uppercase).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Identifies one task: the part of a job that runs on one node.
public struct TaskID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID = UUID()) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
    public init(from decoder: any Decoder) throws { rawValue = try UUID(from: decoder) }
    /// Lowercase on the wire, as everywhere else (Foundation's UUID encodes in uppercase).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A node's name: lowercase letters, digits, `-` and `_`, 1 to 63 characters, starting with a letter
/// or digit. It is used in queue names and routing keys, so the alphabet is deliberately small: no
/// `.`, which would let node `web` publish under node `web.1`'s routing-key prefix and would not
/// match the `node.*.result` bindings.
public struct NodeName: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(validating raw: String) throws(NodeNameError) {
        guard Self.isValid(raw) else { throw NodeNameError(name: raw) }
        self.rawValue = raw
    }

    public static func isValid(_ raw: String) -> Bool {
        guard let first = raw.unicodeScalars.first, raw.unicodeScalars.count <= 63 else { return false }
        func allowed(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_"
        }
        return allowed(first) && first != "-" && first != "_" && raw.unicodeScalars.allSatisfy(allowed)
    }

    public var description: String { rawValue }
    public static func < (lhs: NodeName, rhs: NodeName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: NodeNameError(name: raw).description))
        }
        rawValue = raw
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A node name that breaks the naming rule.
public struct NodeNameError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String {
        "invalid node name '\(name)': use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit"
    }
}
