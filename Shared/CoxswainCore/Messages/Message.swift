import Foundation

/// A message that travels on the broker: a `Codable` payload with a stable type name (also the
/// AMQP `type` property) and a schema version. Envelope metadata (message id, correlation id,
/// time) travels in AMQP properties, apart from the payload.
public protocol Message: Codable, Sendable, Equatable {
    /// Stable name, e.g. `job.submitted`; never renamed once released.
    static var messageType: String { get }
    /// Bumped on any incompatible change of the payload.
    static var schemaVersion: Int { get }
}

extension Message {
    public static var schemaVersion: Int { 1 }
}

/// The JSON coding used on the wire and in the API: ISO-8601 dates with fractional seconds.
public enum WireCoding {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        e.outputFormatting = [.sortedKeys]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = parseDate(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO-8601 date: \(s)")
            }
            return date
        }
        return d
    }

    /// ISO-8601 with milliseconds, rounded to the nearest millisecond. (Foundation's formatter
    /// truncates, and a whole millisecond like .123 is stored as .12299…, which would print as .122;
    /// so the value is moved 0.4 ms past its nearest millisecond before formatting, more than a
    /// Double's error at today's epoch and less than half a millisecond.)
    public static func formatDate(_ date: Date) -> String {
        let nearest = (date.timeIntervalSince1970 * 1000).rounded() / 1000 + 0.0004
        return Date(timeIntervalSince1970: nearest).formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func parseDate(_ s: String) -> Date? {
        if let d = try? Date(s, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return d }
        return try? Date(s, strategy: .iso8601)
    }

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder().encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decoder().decode(type, from: Data(bytes))
    }
}
