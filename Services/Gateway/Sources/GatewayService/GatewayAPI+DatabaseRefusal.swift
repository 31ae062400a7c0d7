import PostgresNIO

/// Requests PostgreSQL refuses because of the data they carry are the client's fault (400), not
/// the Gateway's (500).
extension GatewayAPI {
    /// SQLSTATEs of data the database cannot take, with the refusal to answer.
    static let refusedData: [String: HTTPResponseError] = [
        "22021": HTTPResponseError(.invalidCharacter, "a text field holds a character the database cannot store (such as NUL)"),
        "22P05": HTTPResponseError(.invalidCharacter, "a text field holds a character the database cannot store (such as NUL)"),
        "22003": HTTPResponseError(.outOfRange, "a number in the request is out of range"),
        "22008": HTTPResponseError(.outOfRange, "a time in the request is out of range"),
    ]

    /// The 400 refusal for an error PostgreSQL raised because of the request's data, or nil.
    static func refusal(databaseError error: any Error) -> HTTPResponseError? {
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else { return nil }
        return refusedData[state]
    }
}
