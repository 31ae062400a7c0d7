import Hummingbird
import PostgresNIO

/// Requests PostgreSQL refuses because of the data they carry are the client's fault (400), not
/// the Gateway's (500).
extension GatewayAPI {
    /// SQLSTATEs of data the database cannot take, with the answer's code and reason.
    static let refusedData: [String: (code: String, reason: String)] = [
        "22021": ("invalid_character", "a text field holds a character the database cannot store (such as NUL)"),
        "22P05": ("invalid_character", "a text field holds a character the database cannot store (such as NUL)"),
        "22003": ("out_of_range", "a number in the request is out of range"),
        "22008": ("out_of_range", "a time in the request is out of range"),
    ]

    /// The 400 answer for an error PostgreSQL raised because of the request's data, or nil.
    static func refusal(databaseError error: any Error) -> Response? {
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState],
            let (code, reason) = refusedData[state]
        else { return nil }
        return Self.error(.badRequest, code, reason)
    }
}
