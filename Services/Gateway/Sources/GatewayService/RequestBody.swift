import CoxswainCore
import Foundation
import Hummingbird
import NIOCore

/// Reads a request's JSON body for every route in the same way: at most
/// `gateway.max_request_bytes` (or a route's own limit), no NUL in any string, numbers that fit
/// their fields, and the body's own range checks (`RangeChecked`). Each refusal is a thrown
/// `HTTPResponseError` naming the field.
struct RequestBody: Sendable {
    /// The default limit (`gateway.max_request_bytes`).
    let maxBytes: Int

    func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int? = nil) async throws -> T {
        let bytes: ByteBuffer
        let limit = limit ?? maxBytes
        do {
            bytes = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPResponseError(.payloadTooLarge, "request body exceeds \(limit) bytes")
        }
        let data = Data(buffer: bytes)
        // PostgreSQL cannot store NUL in text: refused here, naming the field, for every route.
        if let path = NULScanner.firstPath(in: data) {
            throw HTTPResponseError(.invalidCharacter, "\(path) contains a NUL character (\\u0000), which is not allowed")
        }
        let value: T
        do {
            value = try WireCoding.decoder().decode(T.self, from: data)
        } catch {
            // A number its field cannot hold (1e300 for an Int) is reported without a path on Linux: find it.
            if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty, let path = NumberLocator.unfitNumber(in: data, as: T.self) {
                throw HTTPResponseError(.outOfRange, "\(path) is out of range for this field (too large, too small or not a whole number)")
            }
            throw HTTPResponseError(.invalidJSON, "request body is not valid: \(Self.describe(decodingError: error))")
        }
        // Every number of a request is range-checked before anything converts or stores it.
        if let problem = (value as? any RangeChecked)?.rangeProblem {
            throw HTTPResponseError(problem.kind, problem.reason)
        }
        return value
    }

    /// A decoding error in words, naming the field.
    static func describe(decodingError error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c): "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.valueNotFound(_, let c): "null at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c):
            c.codingPath.isEmpty ? "malformed JSON" : "invalid value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "malformed JSON"
        }
    }
}
