import Foundation
import Logging
import NIOCore
import NIOPosix

/// The node's port proxy (`coxswain-deployer --port-proxy --state-dir DIR`): a process of its own,
/// in its own session, that owns the host ports deployments publish and forwards each connection
/// (TCP, both directions, half-closes kept) to the instance's current container on the node's
/// loopback. A rollout starts the new container beside the old one, waits for its health, then
/// points the route at it with a `reload` on the control socket and stops the old one after a
/// `drain`: clients never see the port closed. Kamal's proxy does the same for HTTP.
///
/// Separate from the agent so that an agent restart or upgrade never cuts traffic. Its state is
/// `<state_dir>/proxy/`: `routes.json` (written by the agent), `control.sock` (0600), `proxy.pid`,
/// `proxy.lock` (one proxy per directory), `proxy.log`. It serves the routes of `routes.json` from
/// its start, and exits when the directory is gone or it has had no route for `idleExit`.
package actor PortProxyServer {
    /// A listening socket whose accepted connections are `NIOAsyncChannel`s of bytes.
    typealias Listener = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    let directory: String
    let group: any EventLoopGroup
    let logger: Logger
    /// How long the proxy stays without any route before it exits.
    let idleExit: Duration
    /// Listening address → the upstream port new connections go to.
    private var upstreams: [String: UInt16] = [:]
    /// Listening address → its socket.
    private var listeners: [String: any Channel] = [:]
    /// Upstream port → connections open to it.
    private var openConnections: [UInt16: Int] = [:]
    private var emptySince: ContinuousClock.Instant?

    init(directory: String, group: any EventLoopGroup, logger: Logger, idleExit: Duration) {
        self.directory = directory
        self.group = group
        self.logger = logger
        self.idleExit = idleExit
    }

    /// Runs the proxy for `<stateDirectory>/proxy` until it has nothing left to serve. Returns at once
    /// when another proxy holds the directory's lock.
    package static func run(stateDirectory: String, logger: Logger, idleExit: Duration = .seconds(60)) async throws {
        // Its own session: a terminal's Ctrl-C or a supervisor stopping the agent's group leaves it serving.
        _ = setsid()
        let directory = PortProxyControl.directory(stateDirectory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lock = open(directory + "/proxy.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw PortProxyError.io("cannot open \(directory)/proxy.lock: errno \(errno)") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            logger.notice("another port proxy serves this directory", metadata: ["proxy.directory": "\(directory)"])
            return
        }
        let pid = "\(getpid())\n"
        FileManager.default.createFile(atPath: directory + "/proxy.pid", contents: Data(pid.utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: directory + "/proxy.pid") }

        let server = PortProxyServer(directory: directory, group: MultiThreadedEventLoopGroup.singleton, logger: logger, idleExit: idleExit)
        let failures = await server.reload()
        if !failures.isEmpty { logger.warning("cannot listen on some addresses", metadata: ["proxy.failures": "\(failures)"]) }
        try await server.serveControl()
        await server.closeAll()
        logger.notice("port proxy stopped")
    }

    // MARK: Routes

    /// Reads `routes.json` and makes it so: new listening addresses opened, dropped ones closed,
    /// every upstream updated (connections already open stay where they are). Returns the
    /// addresses it could not listen on, with the reason; a table that does not decode changes nothing.
    func reload() async -> [String: String] {
        let table: ProxyRouteTable
        do {
            table = try ProxyRouteTable.load(directory: directory)
        } catch {
            return ["routes.json": "\(error)"]
        }
        let wanted = table.upstreams
        for (key, channel) in listeners where wanted[key] == nil {
            listeners[key] = nil
            upstreams[key] = nil
            try? await channel.close()
            logger.info("stopped listening", metadata: ["proxy.listen": "\(key)"])
        }
        var failures: [String: String] = [:]
        for route in table.routes {
            let key = route.listenKey
            if listeners[key] == nil {
                do {
                    listeners[key] = try await listen(host: route.listenHost, port: route.listenPort, key: key)
                    logger.info("listening", metadata: ["proxy.listen": "\(key)"])
                } catch {
                    failures[key] = Self.reason(error)
                    continue
                }
            }
            if upstreams[key] != route.upstreamPort {
                logger.info("route switched", metadata: ["proxy.listen": "\(key)", "proxy.upstream": "127.0.0.1:\(route.upstreamPort)"])
            }
            upstreams[key] = route.upstreamPort
        }
        emptySince = listeners.isEmpty ? (emptySince ?? .now) : nil
        return failures
    }

    /// `address in use` rather than NIO's type dump.
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        return "\(error)"
    }

    /// The upstream for a new connection on `key`, counted as open until `release`.
    private func acquire(_ key: String) -> UInt16? {
        guard let port = upstreams[key] else { return nil }
        openConnections[port, default: 0] += 1
        return port
    }

    private func release(_ port: UInt16) {
        let left = (openConnections[port] ?? 1) - 1
        openConnections[port] = left > 0 ? left : nil
    }

    /// Connections still open to `port` once none is left or `timeout` passed.
    func drain(_ port: UInt16, timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        while let count = openConnections[port], count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return openConnections[port] ?? 0
    }

    private func closeAll() async {
        for channel in listeners.values { try? await channel.close() }
        listeners = [:]
    }

    // MARK: Forwarding

    /// Opens `host:port` and forwards every connection accepted there, in a task of its own.
    private func listen(host: String, port: UInt16, key: String) async throws -> any Channel {
        let listener: Listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: Int(port)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        let channel = listener.channel
        Task.detached { [self] in
            try? await listener.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { connections in
                    for try await connection in inbound {
                        connections.addTask { await self.forward(connection, key: key) }
                    }
                }
            }
        }
        return channel
    }

    /// Forwards one accepted connection to the listening address's upstream of the moment, both
    /// ways, until both sides are done. Without an upstream (or when it refuses) the connection is closed.
    private nonisolated func forward(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, key: String) async {
        guard let port = await acquire(key) else {
            try? await connection.channel.close()
            return
        }
        do {
            let upstream = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(host: "127.0.0.1", port: Int(port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
            try await connection.executeThenClose { clientIn, clientOut in
                try await upstream.executeThenClose { upstreamIn, upstreamOut in
                    try await withThrowingTaskGroup(of: Void.self) { pipes in
                        pipes.addTask {
                            for try await chunk in clientIn { try await upstreamOut.write(chunk) }
                            upstreamOut.finish()
                        }
                        pipes.addTask {
                            for try await chunk in upstreamIn { try await clientOut.write(chunk) }
                            clientOut.finish()
                        }
                        try await pipes.waitForAll()
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["proxy.listen": "\(key)", "proxy.error": "\(error)"])
            try? await connection.channel.close()
        }
        await release(port)
    }

    // MARK: Control socket

    /// Answers `ProxyCommand`s on `control.sock` until the proxy should stop: its directory is gone
    /// (the node's state was removed) or it has had no route for `idleExit`.
    private func serveControl() async throws {
        let path = directory + "/control.sock"
        let control = try await ServerBootstrap(group: group)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        chmod(path, 0o600)
        let channel = control.channel
        try await control.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    while await self.shouldRun() { try? await Task.sleep(for: .seconds(1)) }
                    try? await channel.close()
                }
                for try await connection in inbound {
                    group.addTask { await self.answer(connection) }
                }
            }
        }
    }

    /// Whether there is still something to serve.
    private func shouldRun() -> Bool {
        guard FileManager.default.fileExists(atPath: directory) else {
            logger.notice("the proxy's directory is gone; stopping", metadata: ["proxy.directory": "\(directory)"])
            return false
        }
        if let emptySince, emptySince.duration(to: .now) > idleExit {
            logger.notice("no route left; stopping")
            return false
        }
        return true
    }

    /// Reads one command line, performs it, answers one line.
    private nonisolated func answer(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var line = ByteBuffer()
            for try await var chunk in inbound {
                line.writeBuffer(&chunk)
                if line.readableBytesView.contains(UInt8(ascii: "\n")) || line.readableBytes > 64 * 1024 { break }
            }
            let reply: ProxyReply
            if let command = try? JSONDecoder().decode(ProxyCommand.self, from: Data(line.readableBytesView)) {
                reply = await perform(command)
            } else {
                reply = ProxyReply(ok: false, error: "not a command")
            }
            var data = (try? JSONEncoder().encode(reply)) ?? Data(#"{"ok":false}"#.utf8)
            data.append(UInt8(ascii: "\n"))
            try await outbound.write(ByteBuffer(bytes: data))
        }
    }

    private func perform(_ command: ProxyCommand) async -> ProxyReply {
        switch command.operation {
        case .ping:
            return ProxyReply(ok: true, pid: getpid())
        case .reload:
            let failures = await reload()
            return ProxyReply(ok: failures.isEmpty, pid: getpid(), failures: failures)
        case .drain:
            guard let port = command.upstreamPort else { return ProxyReply(ok: false, error: "drain needs upstreamPort") }
            let milliseconds = min(max(command.timeoutMilliseconds ?? 5000, 0), 600_000)
            let left = await drain(port, timeout: .milliseconds(milliseconds))
            return ProxyReply(ok: left == 0, open: left)
        }
    }
}
