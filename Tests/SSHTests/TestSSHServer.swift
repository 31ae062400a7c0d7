import CoxswainSSH
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real sshd for the integration tests, started and stopped with `scripts/sshd.sh` in a
/// fresh temporary directory, on a free port of 24022–24040, for the user ``user``.
struct TestSSHServer: Sendable {
    /// The user the tests log in as (created by the script if missing).
    static let user = "cxsshtest"
    /// The script, found from this file's location (`Tests/SSHTests/` → `scripts/`).
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/sshd.sh").path
    /// Whether sshd can be started here (root, OpenSSH server installed).
    static let isAvailable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")

    /// The server of the running suite (set by ``SSHServerTrait``).
    @TaskLocal static var current: TestSSHServer?

    /// The directory with keys, config, log and PID file.
    let directory: String
    /// The listening port.
    let port: Int
    /// The listening address.
    let address: String

    /// The login target.
    var target: SSHTarget { SSHTarget(host: address, port: port, username: Self.user) }
    /// The user's home directory, where uploads land.
    var home: String { "/home/\(Self.user)" }

    /// Starts a server on `address` (generating keys once per directory, about 1–2 s).
    static func start(address: String = "127.0.0.1") async throws -> TestSSHServer {
        let directory = NSTemporaryDirectory() + "coxswain-sshd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var lastError: (any Error)?
        for port in freePorts(address: address).prefix(3) {
            do {
                try await TestShell.check([script, "start", directory, String(port), user, address])
                return TestSSHServer(directory: directory, port: port, address: address)
            } catch {
                lastError = error  // somebody else took the port meanwhile: try the next one
            }
        }
        throw lastError ?? TestFailure("no free port in 24022-24040")
    }

    /// Stops the server by its recorded PID and removes the directory.
    func stop() async throws {
        try await TestShell.check([Self.script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A client private key of the directory (`id_ed25519`, `id_ecdsa`, `id_rsa`), read into memory.
    func privateKey(_ name: String = "id_ed25519", passphrase: String? = nil) throws -> SSHPrivateKey {
        try SSHPrivateKey(pem: String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8), passphrase: passphrase)
    }

    /// A host public key of the server (`ed25519`, `ecdsa`, `rsa`).
    func hostKey(_ type: String) throws -> SSHHostKey {
        let line = try String(contentsOfFile: "\(directory)/ssh_host_\(type)_key.pub", encoding: .utf8)
        guard let key = SSHHostKey(openSSHPublicKey: line) else { throw TestFailure("cannot parse \(type) host key") }
        return key
    }

    /// `known_hosts` text trusting this server's three host keys.
    func knownHosts() throws -> KnownHosts {
        try ["ed25519", "ecdsa", "rsa"].reduce(KnownHosts()) { hosts, type in
            try hosts.adding(host: address, port: port, key: hostKey(type))
        }
    }

    /// The server log so far.
    func log() -> String {
        (try? String(contentsOfFile: "\(directory)/sshd.log", encoding: .utf8)) ?? ""
    }

    /// Connects with a key of the directory, trusting exactly this server's host keys.
    func connect(
        key name: String = "id_ed25519", configuration: SSHConfiguration = SSHConfiguration(), host: String? = nil
    ) async throws -> SSHSession {
        let knownHosts = try knownHosts()
        var target = target
        if let host { target.host = host }
        let address = address
        let port = port
        return try await SSHSession.connect(
            to: target, privateKey: privateKey(name), configuration: configuration, logger: Self.logger
        ) { key in
            try knownHosts.verify(host: address, port: port, key: key)
        }
    }

    /// A stderr logger at the level of `COXSWAIN_TEST_LOG_LEVEL` (default `warning`).
    static let logger: Logger = {
        var logger = Logger(label: "ssh-tests") { StreamLogHandler.standardError(label: $0) }
        let level = ProcessInfo.processInfo.environment["COXSWAIN_TEST_LOG_LEVEL"] ?? "warning"
        logger.logLevel = Logger.Level(rawValue: level) ?? .warning
        return logger
    }()

    /// Ports of 24022–24040 nobody listens on now, in random order.
    private static func freePorts(address: String) -> [Int] {
        (24022...24040).shuffled().filter { port in
            let family = address.contains(":") ? AF_INET6 : AF_INET
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            if family == AF_INET6 {
                var socketAddress = sockaddr_in6()
                socketAddress.sin6_family = sa_family_t(AF_INET6)
                socketAddress.sin6_port = in_port_t(UInt16(port).bigEndian)
                inet_pton(AF_INET6, address, &socketAddress.sin6_addr)
                return withUnsafePointer(to: &socketAddress) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } == 0
                }
            }
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, address, &socketAddress.sin_addr)
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } == 0
            }
        }
    }
}

/// Starts one sshd for a whole suite (``TestSSHServer/current`` inside) and stops it after
/// the suite's last test, also when a test fails.
struct SSHServerTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await TestSSHServer.start()
        do {
            try await TestSSHServer.$current.withValue(server) { try await function() }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }
}

extension Trait where Self == SSHServerTrait {
    /// A real sshd for the suite.
    static var sshServer: Self { SSHServerTrait() }
}
