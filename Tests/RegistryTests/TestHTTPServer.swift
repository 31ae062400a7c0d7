import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, answering each request with a
/// handler's reply; it records every request. Used as a scripted registry, a fake listing API and
/// the token service of the Bearer-flow test.
///
/// NIOPosix and NIOHTTP1 come with AsyncHTTPClient's dependency graph (not declared by this target).
final class TestHTTPServer: Sendable {
    /// One answer.
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
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        /// The first value of header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The path without the query.
        var path: String { String(uri.prefix { $0 != "?" }) }

        /// The decoded values of query parameter `name`.
        func query(_ name: String) -> [String] {
            guard let start = uri.firstIndex(of: "?") else { return [] }
            return uri[uri.index(after: start)...].split(separator: "&").compactMap { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0] == name else { return nil }
                return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
        }
    }

    typealias Handler = @Sendable (Request, TestHTTPServer) -> Reply

    private let channel: any Channel
    private let handler: Handler
    private let recorded = Mutex<[Request]>([])

    /// The port it listens on.
    let port: Int

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `127.0.0.1:<port>`.
    var hostPort: String { "127.0.0.1:\(port)" }

    /// Requests received so far, in order.
    var requests: [Request] { recorded.withLock { $0 } }

    private init(channel: any Channel, handler: @escaping Handler) {
        self.channel = channel
        self.handler = handler
        self.port = channel.localAddress?.port ?? 0
    }

    /// Starts a server answering every request with `handler`.
    static func start(_ handler: @escaping Handler) async throws -> TestHTTPServer {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = TestHTTPServer(channel: channel, handler: handler)
        box.server.withLock { $0 = server }
        return server
    }

    /// Runs `body` with a started server and closes it afterwards.
    static func with<Result>(_ handler: @escaping Handler, _ body: (TestHTTPServer) async throws -> Result) async throws -> Result {
        let server = try await start(handler)
        do {
            let result = try await body(server)
            await server.close()
            return result
        } catch {
            await server.close()
            throw error
        }
    }

    /// Stops listening.
    func close() async {
        try? await channel.close()
    }

    fileprivate func received(_ request: Request) -> Reply {
        recorded.withLock { $0.append(request) }
        return handler(request, self)
    }

    private final class Box: Sendable {
        let server = Mutex<TestHTTPServer?>(nil)
    }

    private final class ConnectionHandler: ChannelInboundHandler {
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
                    Request(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body))
                let respond = { [context] in
                    var headers = HTTPHeaders(reply.headers)
                    headers.replaceOrAdd(name: "Content-Length", value: "\(reply.body.utf8.count)")
                    let status = HTTPResponseStatus(statusCode: reply.status)
                    context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
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
