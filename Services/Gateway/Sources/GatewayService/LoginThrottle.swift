import HTTPTypes
import Hummingbird
import NIOCore

/// Limits the password routes (`POST /v1/login`, `POST /v1/invitations/accept`) per client
/// address before anything is read, in front of the router (the handlers limit per user name).
/// Requests on the UNIX socket come from local operators and are not limited by address.
struct LoginThrottle<Next: HTTPResponder>: HTTPResponder where Next.Context == GatewayRequestContext {
    let next: Next
    let passwords: PasswordGuard

    func respond(to request: Request, context: GatewayRequestContext) async throws -> Response {
        // The API has no CONNECT or TRACE route. A 404 to CONNECT carries no length (the client then
        // waits for the connection to close, i.e. until the idle timeout): answer 405 and close.
        if request.method == .connect || request.method == .trace {
            // NIO's decoder treats CONNECT as the start of a tunnel and keeps the connection: close it
            // once the answer is out, so the client sees the end of the response.
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: .milliseconds(200)) { channel.close(promise: nil) }
            return Response(status: .methodNotAllowed, headers: [.connection: "close", .contentLength: "0"])
        }
        if request.method == .post, !context.viaSocket, PasswordRoutes.contains(path: request.uri.path) {
            let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
            if let wait = passwords.admit(address: address) {
                return HTTPResponseError.tooManyRequests(retryAfter: wait, "too many login attempts from \(address); retry in \(wait) s").response
            }
        }
        return try await next.respond(to: request, context: context)
    }
}

/// The routes that take a password from anyone.
enum PasswordRoutes {
    static let paths: Set<String> = [Endpoint.login.path, Endpoint.acceptInvitation.path]

    /// Whether `path` is one of them, spelled as the router matches it (`//v1/login/` is `/v1/login`).
    static func contains(path: String) -> Bool {
        paths.contains("/" + path.split(separator: "/").joined(separator: "/"))
    }
}
