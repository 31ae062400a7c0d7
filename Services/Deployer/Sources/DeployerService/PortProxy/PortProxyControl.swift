import CoxswainCore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The agent's side of the node's port proxy (`PortProxyServer`): edits `routes.json`, starts the
/// proxy when it does not answer, asks it to reload and to drain. One per agent; an actor, so that
/// rollouts of several deployments at once edit the table one after the other.
package actor PortProxyControl {
    /// `<stateDirectory>/proxy`.
    let directory: String
    let stateDirectory: String
    /// The `coxswain-deployer` executable started as `--port-proxy`.
    let executable: String
    let logger: Logger

    package init(stateDirectory: String, executable: String, logger: Logger) {
        self.stateDirectory = stateDirectory
        self.directory = Self.directory(stateDirectory)
        self.executable = executable
        self.logger = logger
    }

    /// Where the proxy of a state directory keeps its files.
    package static func directory(_ stateDirectory: String) -> String { stateDirectory + "/proxy" }

    /// This process's executable (`/proc/self/exe`): the agent starts its proxy from its own binary.
    package static var ownExecutable: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// The routes as the agent last wrote them.
    package func table() throws -> ProxyRouteTable {
        try ProxyRouteTable.load(directory: directory)
    }

    /// Edits the table, writes it, and has the proxy serve it (starting the proxy when it does not
    /// answer and there is a route). Returns the table as it was before, and the listening
    /// addresses the proxy could not open with the reason (the table is written all the same: once
    /// the address is free, `reload` is enough).
    @discardableResult
    package func edit(_ change: (ProxyRouteTable) -> ProxyRouteTable) async throws -> (before: ProxyRouteTable, failures: [String: String]) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let before = try table()
        let after = change(before)
        guard after != before else { return (before, [:]) }
        try after.save(directory: directory)
        // Nothing to serve and no proxy running: nothing to tell.
        if after.routes.isEmpty, (try? await send(ProxyCommand(.ping))) == nil { return (before, [:]) }
        return (before, try await reload())
    }

    /// Has the proxy read the table again (started first when it does not answer); the listening
    /// addresses it could not open, with the reason.
    @discardableResult
    package func reload() async throws -> [String: String] {
        try await ensureRunning()
        let reply = try await send(ProxyCommand(.reload))
        if let failures = reply.failures, !failures.isEmpty { return failures }
        guard reply.ok else { throw PortProxyError.io(reply.error ?? "reload refused") }
        return [:]
    }

    /// Keeps the proxy serving the table after the agent's start or a crash of the proxy (it reads
    /// the table when it starts): started when there are routes and it does not answer.
    package func keepServing() async {
        guard let table = try? table(), !table.routes.isEmpty else { return }
        do {
            try await ensureRunning()
        } catch {
            logger.error("the port proxy is not running", metadata: ["error": "\(error)"])
        }
    }

    /// Waits until no connection to `port` is open (or `timeout`); the connections still open.
    package func drain(_ port: UInt16, timeout: Duration) async -> Int {
        let milliseconds = Int(timeout.components.seconds) * 1000 + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        let reply = try? await send(ProxyCommand(.drain, upstreamPort: port, timeoutMilliseconds: milliseconds), timeout: timeout + .seconds(5))
        return reply?.open ?? 0
    }

    /// Starts the proxy unless it answers a ping; waits (5 s at most) for it to answer.
    package func ensureRunning() async throws {
        if (try? await send(ProxyCommand(.ping))) != nil { return }
        try start()
        let deadline = ContinuousClock.now + .seconds(5)
        var last: any Error = PortProxyError.notRunning("it did not answer")
        while ContinuousClock.now < deadline {
            do {
                _ = try await send(ProxyCommand(.ping))
                return
            } catch {
                last = error
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PortProxyError.notRunning("started \(executable) --port-proxy, but it did not answer on \(directory)/control.sock within 5 s (\(last))")
    }

    /// Starts `executable --port-proxy --state-dir …` with a minimal environment (never the agent's
    /// broker URL or tokens), output to `proxy.log`. The proxy puts itself in its own session.
    private func start() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PortProxyError.notRunning("\(executable) is not an executable")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logPath = directory + "/proxy.log"
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw PortProxyError.io("cannot open \(logPath)") }
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--port-proxy", "--state-dir", stateDirectory]
        let inherited = ProcessInfo.processInfo.environment
        process.environment = ["PATH": inherited["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw PortProxyError.notRunning("cannot start \(executable): \(error)")
        }
        try? log.close()
        logger.notice("started the port proxy", metadata: ["proxy.pid": "\(process.processIdentifier)"])
    }

    /// One command on the control socket, one reply.
    func send(_ command: ProxyCommand, timeout: Duration = .seconds(5)) async throws -> ProxyReply {
        let path = directory + "/control.sock"
        guard FileManager.default.fileExists(atPath: path) else { throw PortProxyError.notRunning("no \(path)") }
        var line = try JSONEncoder().encode(command)
        line.append(UInt8(ascii: "\n"))
        let request = line
        return try await withTimeout(timeout, "the port proxy's answer") {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: request))
                var answer = ByteBuffer()
                for try await var chunk in inbound {
                    answer.writeBuffer(&chunk)
                    if answer.readableBytesView.contains(UInt8(ascii: "\n")) { break }
                }
                do {
                    return try JSONDecoder().decode(ProxyReply.self, from: Data(answer.readableBytesView))
                } catch {
                    throw PortProxyError.io("the proxy's answer does not decode: \(error)")
                }
            }
        }
    }
}
