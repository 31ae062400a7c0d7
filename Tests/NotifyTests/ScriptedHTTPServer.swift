import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for delivery tests: it records
/// every request and answers a scripted sequence of replies (the last one repeats), each on a
/// connection it then closes.
final class ScriptedHTTPServer: Sendable {
    /// One scripted answer.
    struct Reply: Sendable {
        var status: Int
        var body: String = ""
        var headers: [(String, String)] = []
        /// Wait this long before answering (to test timeouts).
        var delay: Duration = .zero
    }

    /// One request as received.
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    private struct State {
        var replies: [Reply]
        var requests: [Request] = []
    }

    private let channel: any Channel
    private let state: Mutex<State>

    /// The port it listens on.
    let port: Int

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Requests received so far, in order.
    var requests: [Request] { state.withLock { $0.requests } }

    private init(channel: any Channel, replies: [Reply]) {
        self.channel = channel
        self.state = Mutex(State(replies: replies))
        self.port = channel.localAddress?.port ?? 0
    }

    /// Starts a server answering `replies` in turn.
    static func start(_ replies: [Reply]) async throws -> ScriptedHTTPServer {
        precondition(!replies.isEmpty)
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = ScriptedHTTPServer(channel: channel, replies: replies)
        box.server.withLock { $0 = server }
        return server
    }

    /// Starts a server answering `statuses` in turn with empty bodies.
    static func start(statuses: [Int]) async throws -> ScriptedHTTPServer {
        try await start(statuses.map { Reply(status: $0) })
    }

    /// Stops listening (connections still open are closed by their clients).
    func close() async {
        try? await channel.close()
    }

    /// Runs `body` with a started server and closes it afterwards.
    static func with<Result>(
        _ replies: [Reply], _ body: (ScriptedHTTPServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(replies)
        do {
            let result = try await body(server)
            await server.close()
            return result
        } catch {
            await server.close()
            throw error
        }
    }

    /// Records `request` and returns the reply for it.
    fileprivate func received(_ request: Request) -> Reply {
        state.withLock { state in
            state.requests.append(request)
            return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
        }
    }

    /// Lets the handler reach the server created after the bootstrap.
    private final class Box: Sendable {
        let server = Mutex<ScriptedHTTPServer?>(nil)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let server: Box
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        init(server: Box) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let buffer):
                body += buffer.readableBytesView
            case .end:
                guard let head, let server = server.server.withLock({ $0 }) else { return }
                let reply = server.received(
                    Request(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body))
                let respond = { [context] in
                    var headers = HTTPHeaders(reply.headers)
                    headers.add(name: "Content-Length", value: "\(reply.body.utf8.count)")
                    headers.add(name: "Connection", value: "close")
                    let status = HTTPResponseStatus(statusCode: reply.status)
                    let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
                    context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                }
                if reply.delay > .zero {
                    context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(reply.delay)) { respond() }
                } else {
                    respond()
                }
            }
        }
    }
}
