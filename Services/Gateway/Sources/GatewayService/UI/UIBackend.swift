import CoxswainCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web UI's way into the API: each page and form calls the `/v1` route it shows or acts
/// through, in process, as the signed-in user (`Authorization: Session …`, the chosen team in
/// `X-Coxswain-Team`). Authentication, the route's least role (denials audited), the controllers'
/// own checks and audit records are therefore the API's, unchanged: the UI adds no rules.
struct UIBackend: Sendable {
    let api: GatewayAPI

    /// An answer of the API: its status and, for a success, its body.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var body: [UInt8]

        /// The body decoded as `T` (the API's wire coding).
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try WireCoding.decoder().decode(T.self, from: Data(body))
        }
    }

    /// The request the API sees for `endpoint`: its path with `parameters` filled in, `query`, the
    /// session credential and team, and `body` as JSON.
    static func request(
        _ endpoint: Endpoint, parameters: [String: String], query: String, session: String?, team: String?, body: [UInt8]?
    ) -> Request {
        var path = endpoint.path(parameters)
        if !query.isEmpty { path += "?" + query }
        var fields = HTTPFields()
        if let session { fields[.authorization] = "Session \(session)" }
        if let team { fields[Authenticator.teamHeader] = team }
        if body != nil { fields[.contentType] = "application/json" }
        let head = HTTPRequest(method: endpoint.method.http, scheme: nil, authority: "coxswain-ui", path: path, headerFields: fields)
        return Request(head: head, body: Hummingbird.RequestBody(buffer: ByteBuffer(bytes: body ?? [])))
    }

    /// Calls `endpoint` as the session's user and returns its response as it is (for streams).
    func respond(
        _ endpoint: Endpoint, session: String?, team: String?, context: GatewayRequestContext, parameters: [String: String] = [:], query: String = "",
        body: [UInt8]? = nil
    ) async throws -> Response {
        let request = Self.request(endpoint, parameters: parameters, query: query, session: session, team: team, body: body)
        var context = context
        context.coreContext.parameters = Parameters(parameters.map { (Substring($0.key), Substring($0.value)) })
        do {
            return try await api.respond(endpoint, request, context)
        } catch let refusal as HTTPResponseError {
            throw refusal
        } catch {
            if let refusal = GatewayAPI.refusal(databaseError: error) { throw refusal }
            throw error
        }
    }

    /// Calls `endpoint` and collects its answer; a refusal is thrown as the API's `HTTPResponseError`.
    func call(
        _ endpoint: Endpoint, session: String?, team: String?, context: GatewayRequestContext, parameters: [String: String] = [:], query: String = "",
        body: (any Encodable)? = nil
    ) async throws -> Answer {
        let encoded = try body.map { try WireCoding.encode($0) }
        let response = try await respond(endpoint, session: session, team: team, context: context, parameters: parameters, query: query, body: encoded)
        let collector = CollectingWriter()
        try await response.body.write(collector)
        return Answer(status: response.status, body: collector.bytes)
    }
}

/// Collects a response body in memory (the API's JSON answers are small and finite).
final class CollectingWriter: ResponseBodyWriter, @unchecked Sendable {
    private(set) var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
