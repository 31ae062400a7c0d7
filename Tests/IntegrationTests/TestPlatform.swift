import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One isolated Coxswain platform for one test: its own database and RabbitMQ vhost on the real
/// servers `scripts/test.sh` started, its own run directory, and real service processes.
final class TestPlatform: Sendable {
    let env: TestEnvironment
    let name: String
    let directory: String
    let databaseURL: String
    let amqpURL: String
    let vhost: String
    private let processes = Mutex([String: ServiceProcess]())
    /// The Gateway's HTTP port (a free loopback port picked at start).
    let httpPort: Int

    var socketPath: String { directory + "/gw.sock" }
    var markDirectory: String { directory + "/marks" }

    private init(env: TestEnvironment, name: String) {
        self.env = env
        self.name = name
        directory = env.runDirectory + "/t/" + name
        var db = env.databaseURL
        db.path = "/cx_\(name)"
        databaseURL = db.string!
        vhost = "cx_\(name)"
        httpPort = Self.freePort()
        var amqp = env.amqpURL
        amqp.path = "/\(vhost)"
        amqpURL = amqp.string!
    }

    /// Creates the database and vhost and starts a Gateway, `schedulers` Schedulers, an Audit
    /// service and one Deployer per node; returns once every node is online.
    static func start(schedulers: Int = 1, nodes: [String], audit: Bool = true, schedulerSettings: [String] = [], gatewaySettings: [String] = []) async throws
        -> TestPlatform
    {
        let env = try TestEnvironment.load()
        let name = String(UUID().uuidString.lowercased().prefix(8))
        let platform = TestPlatform(env: env, name: name)
        try FileManager.default.createDirectory(atPath: platform.markDirectory, withIntermediateDirectories: true)
        try await platform.createDatabaseAndVhost()
        try platform.startGateway(settings: gatewaySettings)
        for i in 0..<schedulers { try platform.startScheduler(i, settings: schedulerSettings) }
        if audit { try platform.startAudit() }
        try await platform.waitForReady()
        for node in nodes { try await platform.enrolDeployer(node) }
        try await platform.waitForOnline(nodes)
        return platform
    }

    // MARK: Infrastructure

    func createDatabaseAndVhost() async throws {
        let admin = try await runCommand("/usr/bin/psql", [env.databaseURL.string!, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE cx_\(name)"])
        guard admin.status == 0 else { throw HarnessError("cannot create the test database: \(admin)") }
        try await management("PUT", "/api/vhosts/\(vhost)", body: "{}")
        try await management("PUT", "/api/permissions/\(vhost)/\(env.amqpURL.user ?? "coxswain")", body: #"{"configure":".*","write":".*","read":".*"}"#)
    }

    @discardableResult
    func management(_ method: String, _ path: String, body: String? = nil) async throws -> String {
        var m = env.managementURL
        let user = m.user ?? ""
        let password = m.password ?? ""
        m.user = nil
        m.password = nil
        var args = ["-sS", "--fail-with-body", "-u", "\(user):\(password)", "-X", method, "-H", "content-type: application/json"]
        if let body { args += ["-d", body] }
        args.append(m.string! + path)
        let r = try await runCommand("/usr/bin/curl", args)
        guard r.status == 0 else { throw HarnessError("management API \(method) \(path) failed: \(r)") }
        return r.stdout
    }

    /// Runs SQL against this test's database and returns psql's unaligned output.
    func sql(_ query: String) async throws -> String {
        let r = try await runCommand("/usr/bin/psql", [databaseURL, "-v", "ON_ERROR_STOP=1", "-Atc", query])
        guard r.status == 0 else { throw HarnessError("psql failed: \(r)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Processes

    var childEnvironment: [String: String] {
        var e = ProcessInfo.processInfo.environment
        e["COXSWAIN_DATABASE_URL"] = databaseURL
        e["COXSWAIN_AMQP_URL"] = amqpURL
        e["COXSWAIN_AMQP_HEARTBEAT"] = "5s"
        e["COXSWAIN_LOG_LEVEL"] = "info"
        e["COXSWAIN_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS"] = "true"  // Webhook receivers in tests listen on loopback.
        e["COXSWAIN_CONFIG_FILE"] = nil
        e["TEST_MARK_DIR"] = markDirectory
        return e
    }

    func launch(_ key: String, _ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:]) throws {
        var e = childEnvironment
        for (k, v) in extraEnvironment { e[k] = v }
        let process = try ServiceProcess(
            executable: env.binDirectory + "/" + executable, arguments: arguments, environment: e, logPath: directory + "/\(key).log")
        processes.withLock { $0[key] = process }
    }

    func startGateway(settings: [String] = []) throws {
        try launch("gateway", "coxswain-gateway", ["--socket-path", socketPath, "--http-port", String(httpPort)] + settings.flatMap { ["--set", $0] })
    }

    func startScheduler(_ i: Int, settings: [String] = []) throws {
        try launch(
            "scheduler-\(i)", "coxswain-scheduler",
            [
                "--set", "scheduler.sweep_interval=250ms", "--set", "scheduler.result_grace=5s", "--set", "scheduler.stranded_after=1s",
            ] + settings.flatMap { ["--set", $0] })
    }

    /// Starts a Bootstrapper that trusts no known_hosts file but the test's own.
    func startBootstrapper(_ key: String = "bootstrapper", settings: [String] = []) throws {
        try launch(
            key, "coxswain-bootstrapper",
            [
                "--set", "bootstrapper.known_hosts_file=\(directory)/known_hosts", "--set", "bootstrapper.connect_timeout=5s",
            ] + settings.flatMap { ["--set", $0] })
    }

    func startAudit() throws {
        try launch("audit", "coxswain-audit", [])
    }

    /// Starts an already enrolled node's agent.
    func startDeployer(_ node: String, extraArguments: [String] = [], extraEnvironment: [String: String] = [:]) throws {
        try launch(
            "deployer-\(node)", "coxswain-deployer",
            [
                "--node-name", node, "--state-dir", directory + "/nodes/\(node)", "--set", "deployer.heartbeat_interval=1s",
                "--set", "deployer.pass_environment=TEST_MARK_DIR,TEST_NODE",
            ] + extraArguments, extraEnvironment: ["TEST_NODE": node, "COXSWAIN_AMQP_URL": ""].merging(extraEnvironment) { $1 })
    }

    /// `coxswain node add` through the socket, then the agent's first start with the one-time token.
    func enrolDeployer(_ node: String, extraArguments: [String] = []) async throws {
        let token = try await enrolmentToken(node)
        try startDeployer(
            node, extraArguments: ["--gateway-url", "unix://" + socketPath] + extraArguments, extraEnvironment: ["COXSWAIN_DEPLOYER_ENROL_TOKEN": token])
    }

    func enrolmentToken(_ node: String) async throws -> String {
        let r = try await cli(["node", "add", node, "--output", "json"])
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
            let token = object["enrolmentToken"] as? String
        else { throw HarnessError("node add \(node) failed: \(r)") }
        return token
    }

    func pid(_ key: String) -> Int32? { processes.withLock { $0[key]?.pid } }

    /// Sends `signal` and waits (up to `timeout`) for the process to exit; SIGKILL after that.
    func stop(_ key: String, signal: Int32 = SIGTERM, timeout: Duration = .seconds(10)) async {
        guard let process = processes.withLock({ $0.removeValue(forKey: key) }) else { return }
        guard process.isRunning else { return }
        kill(process.pid, signal)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning, clock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.pid, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        }
    }

    /// Stops every process and drops the database and vhost.
    func shutdown() async {
        let keys = processes.withLock { Array($0.keys) }
        await withTaskGroup(of: Void.self) { group in
            for key in keys where key.hasPrefix("deployer") { group.addTask { await self.stop(key) } }
        }
        await withTaskGroup(of: Void.self) { group in
            for key in keys where !key.hasPrefix("deployer") { group.addTask { await self.stop(key) } }
        }
        // The nodes' port proxies outlive their agents by design.
        for node in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/nodes")) ?? [] {
            DeployVerbTests.stopProxy(stateDirectory: directory + "/nodes/\(node)")
        }
        _ = try? await runCommand("/usr/bin/psql", [env.databaseURL.string!, "-qc", "DROP DATABASE IF EXISTS cx_\(name) WITH (FORCE)"])
        _ = try? await management("DELETE", "/api/vhosts/\(vhost)")
    }

    /// The tail of a service's log, for failure messages.
    func log(_ key: String, lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: directory + "/\(key).log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: CLI

    /// Runs the real `coxswain` CLI against this platform's socket.
    func cli(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws
        -> CommandResult
    {
        var e = childEnvironment.merging(extraEnvironment) { $1 }
        e["COXSWAIN_SOCKET"] = socketPath
        e["COXSWAIN_CONFIG_DIR"] = directory + "/cli-config"
        if let stdin {
            // Passed through a file on standard input (never on the command line).
            let file = directory + "/stdin-\(UUID().uuidString)"
            try (stdin + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let quoted = ([env.binDirectory + "/coxswain"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
                separator: " ")
            return try await runCommand("/bin/sh", ["-c", "\(quoted) < '\(file)'"], environment: e, timeout: timeout)
        }
        return try await runCommand(env.binDirectory + "/coxswain", arguments, environment: e, timeout: timeout)
    }

    func waitForReady() async throws {
        try await eventually("gateway ready", timeout: .seconds(60)) {
            let r = try await runCommand("/usr/bin/curl", ["-sf", "--unix-socket", socketPath, "http://localhost/v1/ready"])
            return r.status == 0
        }
    }

    /// A loopback TCP port nobody listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// curl's arguments for a call to the Gateway's HTTP port: `leading`, the headers, a JSON body
    /// (passed through a file, never the command line), the URL.
    func curlArguments(_ leading: [String], _ path: String, headers: [String], body: String?) throws -> [String] {
        var args = leading
        for h in headers { args += ["-H", h] }
        if let body {
            let file = directory + "/req-\(UUID().uuidString).json"
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            args += ["-H", "content-type: application/json", "--data-binary", "@" + file]
        }
        args.append("http://127.0.0.1:\(httpPort)\(path)")
        return args
    }

    /// An HTTP call to the Gateway: (status, body). `headers` like ["Authorization: Bearer …"].
    func http(_ method: String, _ path: String, headers: [String] = [], body: String? = nil) async throws -> (Int, String) {
        let r = try await runCommand("/usr/bin/curl", try curlArguments(["-s", "-w", "\n%{http_code}", "-X", method], path, headers: headers, body: body))
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// Node name → status, from `coxswain manage --list-nodes --output json`.
    func nodeStatuses() async throws -> [String: String] {
        let r = try await cli(["manage", "--list-nodes", "--output", "json"])
        guard r.status == 0 else { return [:] }
        let nodes = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return Dictionary(nodes.compactMap { n in (n["name"] as? String).map { ($0, n["status"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
    }

    func waitForOnline(_ nodes: [String]) async throws {
        try await eventually("nodes online: \(nodes)", timeout: .seconds(60)) {
            let statuses = try await nodeStatuses()
            return nodes.allSatisfy { statuses[$0] == "online" }
        }
    }

    /// Lines in the per-node mark file written by test commands (`echo x >> $TEST_MARK_DIR/$TEST_NODE`).
    func marks(_ node: String) -> [String] {
        let text = (try? String(contentsOfFile: markDirectory + "/\(node)", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }
}

extension TestPlatform {
    /// Starts a platform, runs `body`, and always shuts it down (also when `body` throws).
    static func with(
        schedulers: Int = 1, nodes: [String], audit: Bool = true, schedulerSettings: [String] = [], gatewaySettings: [String] = [],
        _ body: (TestPlatform) async throws -> Void
    ) async throws {
        let platform = try await start(
            schedulers: schedulers, nodes: nodes, audit: audit, schedulerSettings: schedulerSettings, gatewaySettings: gatewaySettings)
        do {
            try await body(platform)
        } catch {
            await platform.shutdown()
            throw error
        }
        await platform.shutdown()
    }
}
