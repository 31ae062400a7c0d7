import AsyncHTTPClient
import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Logging
import Testing

@testable import DeployerService

/// DEPLOY on a node: the verb's handler driven directly (no platform) against the real Podman and
/// registry of `scripts/engine.sh` (scripts/test.sh starts them). Every test deploys under a
/// prefix of its own and removes its containers, volumes and networks.
@Suite(
    "DEPLOY against the real engine", .serialized,
    .enabled(if: PlatformTests.engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(6)))
struct DeployVerbTests {
    static let environment = ProcessInfo.processInfo.environment
    static let registry = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
    static let authKey = "REGISTRY_AUTH"
    /// The task's secrets: the registry's credentials and the containers' GREETING.
    static let secrets = [
        authKey:
            #"{"username":"\#(environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain")","password":"\#(environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")","serverAddress":"\#(registry)"}"#,
        RolloutInstance.secretKey("GREETING"): "hi",
    ]
    /// Serves `$VERSION $GREETING` on 8080 (the demo image's httpd, its page rewritten at start).
    static let serve = ["echo \"$VERSION $GREETING\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
    static let httpCheck = ContainerConfig.HealthCheck(test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/ > /dev/null"], intervalSeconds: 1, retries: 3)

    let engine = PlatformTests.engine()
    let prefix: String
    let deployment = DeploymentID(UUID().uuidString.lowercased())
    /// The node's state directory (its port proxy's files) and the proxy, started from the built agent.
    let stateDirectory: String
    let proxy: PortProxyControl

    init() {
        prefix = "dv\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
        let environment = Self.environment
        stateDirectory = (environment["COXSWAIN_TEST_RUN_DIR"] ?? NSTemporaryDirectory()) + "/deploy-verb/\(prefix)"
        let executable = (environment["COXSWAIN_BIN_DIR"] ?? ".build/debug") + "/coxswain-deployer"
        proxy = PortProxyControl(stateDirectory: stateDirectory, executable: executable, logger: Logger(label: "deploy-verb-tests"))
    }

    /// What one DEPLOY task gave: the outcome, its events, the live lines and how long it took.
    struct Run {
        var outcome: VerbOutcome
        var events: [DeploymentEvent]
        var live: [String]
        var took: Duration
    }

    func rollout(_ instances: [RolloutInstance], try tryNumber: Int, action: DeploymentRollout.Action = .deploy) -> DeploymentRollout {
        DeploymentRollout(
            action: action, deployment: deployment, tryNumber: tryNumber, team: "blue", product: "shop", version: "v\(tryNumber)",
            prefix: DeploymentPrefix(prefix)!, rollback: false, instances: instances)
    }

    /// The demo image from the registry (with its credentials), serving `version`.
    func web(
        _ name: String, version: String, port: Int? = nil, health: ContainerConfig.HealthCheck? = Self.httpCheck,
        extra: (inout ContainerConfig) -> Void = { _ in }
    )
        -> RolloutInstance
    {
        var config = ContainerConfig(
            environment: ["VERSION": version], secrets: ["GREETING"],
            ports: port.map { [.init(internal: 8080, external: $0, hostIP: "127.0.0.1")] } ?? [.init(internal: 8080)],
            command: ["sh", "-c"], args: Self.serve, healthCheck: health)
        extra(&config)
        return RolloutInstance(name: name, image: "\(Self.registry)/demo/httpd:1", config: config, registryAuthKey: Self.authKey)
    }

    /// Runs one DEPLOY task through the node's verb table, as the agent does.
    func run(_ rollout: DeploymentRollout, secrets: [String: String] = secrets, throughProxy: Bool = true) async throws -> Run {
        var logger = Logger(label: "deploy-verb-tests")
        logger.logLevel = .notice
        let node = NodeEngine(configuredSocket: PlatformTests.engineSocket, httpClient: .shared, logger: logger)
        let lines = Locked<[String]>([])
        let context = VerbContext(
            emit: { channel, text in if channel == .stdout { lines.withLock { $0.append(text) } } }, environment: [:], outputLimit: 1 << 20, taskID: TaskID(),
            artifacts: nil, rebootCommand: "true", batchIssuedAt: Date())
        let task = TaskSpec(
            taskID: TaskID(), verb: .deploy, arguments: String(decoding: try JSONEncoder().encode(rollout), as: UTF8.self), environment: secrets,
            timeoutSeconds: 300)
        let started = ContinuousClock.now
        let outcome = try await DeployVerb(engine: node, proxy: throughProxy ? proxy : nil).execute(task, context: context)
        let took = started.duration(to: .now)
        return Run(outcome: outcome, events: DeploymentEventLines.parse(outcome.stdout), live: lines.withLock { $0 }, took: took)
    }

    /// Creates (not starts) a managed container of this deployment's `instance` under `name`: what
    /// an interrupted try or a failed cleanup leaves behind.
    func createLeftover(_ name: String, instance: String) async throws {
        var leftover = ContainerSpec(image: "\(Self.registry)/demo/httpd:1", name: name)
        leftover.labels = ContainerLabels.managedLabels(team: "blue", prefix: prefix, deployment: deployment.rawValue, configDigest: "x")
        leftover.labels[ContainerLabels.instance] = instance
        _ = try await engine.createContainer(leftover)
    }

    /// Stops the port proxy of a state directory (by the pid it wrote), if one runs.
    static func stopProxy(stateDirectory: String) {
        let pidFile = PortProxyControl.directory(stateDirectory) + "/proxy.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1
        else { return }
        kill(pid, SIGTERM)
    }

    /// The page on the node's loopback port, or nil (curl, half a second at most).
    static func page(_ port: Int) -> String? {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", "--max-time", "0.5", "http://127.0.0.1:\(port)/"]
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// Waits (up to 5 s) for the page to be `expected`.
    static func awaitPage(_ port: Int, _ expected: String) async throws -> Bool {
        for _ in 0..<50 {
            if page(port) == expected { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The deployment's containers by name (the engine's `<prefix>-<name>` and any temporary ones).
    func containers() async throws -> [String: ContainerSummary] {
        let listed = try await engine.listContainers(ContainerListOptions(all: true, labels: ContainerLabels.prefixFilter(prefix)))
        return Dictionary(listed.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Removes what the test made: containers under its prefix, then `volumes` and `networks` (curl, best effort).
    func cleanUp(volumes: [String] = [], networks: [String] = []) async {
        _ = try? await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix))
        Self.stopProxy(stateDirectory: stateDirectory)
        try? FileManager.default.removeItem(atPath: stateDirectory)
        for path in volumes.map({ "/v1.41/volumes/\($0)" }) + networks.map({ "/v1.41/networks/\($0)" }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-sf", "-o", "/dev/null", "--unix-socket", PlatformTests.engineSocket ?? "", "-X", "DELETE", "http://d\(path)"]
            try? process.run()
            process.waitUntilExit()
        }
    }

    @Test("two instances roll out beside nothing, then a redeploy replaces them with no failed request on the fixed port (port proxy); remove removes them")
    func rolloutRedeployRemove() async throws {
        let port = TestPlatform.freePort()
        let network = "\(prefix)-net"
        defer { Task { [self] in await cleanUp(networks: [network]) } }
        let api: (String) -> RolloutInstance = { version in
            web("api", version: version, health: nil) { $0.networks = [network] }
        }

        // 1. First try: nothing runs yet.
        let first = try await run(rollout([web("web", version: "1", port: port), api("1")], try: 1))
        print("[figures] DEPLOY of two instances (pull, create, health, switch), first try: \(first.took)")
        #expect(first.outcome.status == .succeeded, "\(first.outcome)")
        #expect(first.events.last?.kind == .succeeded && first.events.last?.message == "all 2 instances are in place", "\(first.events)")
        #expect(first.live.joined() == first.outcome.stdout, "every event was streamed live")
        let kinds = first.events.filter { $0.instance == "web" }.map(\.kind)
        #expect(kinds.starts(with: [.pull, .create, .health, .health, .switchover]), "\(first.events)")
        #expect(try await Self.awaitPage(port, "1 hi\n"))
        var found = try await containers()
        #expect(Set(found.keys) == ["\(prefix)-web", "\(prefix)-api"], "\(found.keys)")
        let webV1 = try #require(found["\(prefix)-web"])
        let apiV1 = try #require(found["\(prefix)-api"])
        for (container, instance) in [(webV1, "web"), (apiV1, "api")] {
            #expect(container.isRunning)
            #expect(container.labels["io.coxswain.deployment"] == deployment.rawValue)
            #expect(container.labels["io.coxswain.instance"] == instance)
            #expect(container.labels["io.coxswain.try"] == "1" && container.labels["io.coxswain.version"] == "v1")
            #expect(container.labels["io.coxswain.product"] == "shop" && container.labels["io.coxswain.team"] == "blue")
            #expect(container.labels["io.coxswain.prefix"] == prefix && container.labels["io.coxswain.managed"] == "true")
        }
        #expect(try await engine.listNetworks().contains { $0.name == network }, "the missing network was created")
        let inside = try await engine.exec(apiV1.id, command: ["wget", "-q", "-O-", "http://127.0.0.1:8080/"])
        #expect(inside.stdout == "1 hi\n", "\(inside)")

        // 2. Redeploy while the fixed port is probed: the previous containers go once the new ones are in place.
        let probing = Locked<[(ContinuousClock.Instant, String?)]>([])
        let prober = Task.detached {
            while !Task.isCancelled {
                let answer = Self.page(port)
                probing.withLock { $0.append((.now, answer)) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let second = try await run(rollout([web("web", version: "2", port: port), api("2")], try: 2))
        try await Task.sleep(for: .milliseconds(300))
        prober.cancel()
        _ = await prober.value
        #expect(second.outcome.status == .succeeded, "\(second.outcome)")
        let samples = probing.withLock { $0 }
        var gap = Duration.zero
        var lastServed: ContinuousClock.Instant?
        for (time, answer) in samples where answer != nil {
            if let lastServed { gap = max(gap, lastServed.duration(to: time)) }
            lastServed = time
        }
        print(
            "[figures] DEPLOY of two instances, redeploy: \(second.took); fixed-port instance: longest time without an answer \(gap) (\(samples.count) probes, \(samples.filter { $0.1 == nil }.count) failed)"
        )
        #expect(samples.contains { $0.1 == "2 hi\n" } && samples.contains { $0.1 == "1 hi\n" })
        #expect(samples.allSatisfy { $0.1 != nil }, "every probe during the rollout was answered: \(samples.filter { $0.1 == nil }.count) failed")
        #expect(
            second.events.contains {
                $0.kind == .switchover && $0.instance == "web" && $0.message == "the node's port proxy sends 127.0.0.1:\(port) to the new container"
            }, "\(second.events)")
        let routes = try await proxy.table().routes
        #expect(routes.count == 1 && routes.first?.listenPort == UInt16(port) && routes.first?.instance == "web", "\(routes)")
        #expect(second.events.filter { $0.kind == .cleanup }.map(\.instance) == ["web", "api"], "\(second.events)")
        found = try await containers()
        #expect(Set(found.keys) == ["\(prefix)-web", "\(prefix)-api"], "only the new ones are left: \(found.keys)")
        #expect(found["\(prefix)-web"]?.id != webV1.id && found["\(prefix)-api"]?.id != apiV1.id)
        #expect(found["\(prefix)-web"]?.labels["io.coxswain.try"] == "2")
        #expect(Self.page(port) == "2 hi\n")

        // The proxy is a process of its own: killed, it is started again from its routes (the agent does so every heartbeat).
        let pidFile = PortProxyControl.directory(stateDirectory) + "/proxy.pid"
        let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        for _ in 0..<50 where Self.page(port) != nil { try await Task.sleep(for: .milliseconds(100)) }
        #expect(Self.page(port) == nil, "nothing serves the port while the proxy is down")
        await proxy.keepServing()
        #expect(try await Self.awaitPage(port, "2 hi\n"), "the restarted proxy serves the routes it read at its start")

        // 3. Remove: every container of the deployment goes; a second remove finds none and succeeds.
        let removed = try await run(rollout([], try: 2, action: .remove))
        #expect(removed.outcome.status == .succeeded, "\(removed.outcome)")
        #expect(Set(removed.events.filter { $0.kind == .cleanup }.compactMap(\.instance)) == ["web", "api"], "\(removed.events)")
        #expect(removed.events.last?.message == "removed 2 containers")
        #expect(try await containers().isEmpty)
        #expect(try await proxy.table().routes.isEmpty, "the proxy let go of the port")
        #expect(Self.page(port) == nil, "nothing listens on the port any more")
        let again = try await run(rollout([], try: 2, action: .remove))
        #expect(again.outcome.status == .succeeded && again.events.last?.message == "no container of the deployment on this node", "\(again.outcome)")
    }

    @Test("without the node's port proxy, an instance on a fixed host port stops its previous container before the new one starts")
    func fixedPortWithoutProxy() async throws {
        let port = TestPlatform.freePort()
        defer { Task { [self] in await cleanUp() } }
        let first = try await run(rollout([web("web", version: "1", port: port)], try: 1), throughProxy: false)
        #expect(first.outcome.status == .succeeded, "\(first.outcome)")
        let second = try await run(rollout([web("web", version: "2", port: port)], try: 2), throughProxy: false)
        #expect(second.outcome.status == .succeeded, "\(second.outcome)")
        #expect(second.events.contains { $0.kind == .switchover && $0.instance == "web" && $0.message.contains("stopping the previous container first") })
        let direct = try await engine.inspectContainer("\(prefix)-web")
        #expect(direct.ports["8080/tcp"]?.first?.hostPort == "\(port)", "the container publishes the port itself: \(direct.ports)")
        #expect(try await Self.awaitPage(port, "2 hi\n"))
        // The proxy takes over on the next deploy: it can listen only once the previous container stopped.
        let third = try await run(rollout([web("web", version: "3", port: port)], try: 3))
        #expect(third.outcome.status == .succeeded, "\(third.outcome)")
        #expect(third.events.contains { $0.message.hasPrefix("the previous container held the node's port itself") }, "\(third.events)")
        #expect(try await Self.awaitPage(port, "3 hi\n"))
    }

    @Test("a health check failure of the second instance restores the first to its previous container, which serves again")
    func healthFailureRestores() async throws {
        let port = TestPlatform.freePort()
        defer { Task { [self] in await cleanUp() } }
        let good = try await run(rollout([web("web", version: "1", port: port), web("api", version: "1")], try: 1))
        #expect(good.outcome.status == .succeeded, "\(good.outcome)")
        let before = try await containers()
        let webV1 = try #require(before["\(prefix)-web"]?.id)
        let apiV1 = try #require(before["\(prefix)-api"]?.id)

        let failing = ContainerConfig.HealthCheck(test: ["CMD-SHELL", "echo no answer on 9999; false"], intervalSeconds: 1, retries: 2)
        let bad = try await run(rollout([web("web", version: "2", port: port), web("api", version: "2", health: failing)], try: 2))
        #expect(bad.outcome.status == .failed)
        let error = try #require(bad.outcome.error)
        #expect(error.hasPrefix("DEPLOY: rollout failed at api (health: unhealthy after 2 failed checks in a row"), "\(error)")
        #expect(error.contains("last health check exited 1: no answer on 9999"), "\(error)")
        #expect(error.contains("restored web"), "\(error)")
        #expect(bad.events.last?.kind == .failed && bad.events.contains { $0.kind == .restore && $0.instance == "web" })
        let after = try await containers()
        #expect(Set(after.keys) == ["\(prefix)-web", "\(prefix)-api"], "no new or set-aside container is left: \(after.keys)")
        #expect(after["\(prefix)-web"]?.id == webV1 && after["\(prefix)-api"]?.id == apiV1, "the same containers as before")
        #expect(after["\(prefix)-web"]?.isRunning == true && after["\(prefix)-api"]?.isRunning == true)
        #expect(try await Self.awaitPage(port, "1 hi\n"), "the previous web container serves again")
    }

    @Test("init containers run in order with the instance's volumes and secrets and go; one that exits 1 fails the try")
    func initContainers() async throws {
        let port = TestPlatform.freePort()
        let volume = "\(prefix)-data"
        defer { Task { [self] in await cleanUp(volumes: [volume]) } }
        func instance(_ steps: [String]) -> RolloutInstance {
            web("web", version: "1", port: port) { config in
                config.volumes = [.init(name: volume, containerPath: "/data")]
                config.args = ["exec httpd -f -p 8080 -h /data"]
                config.initContainers = steps.enumerated().map { i, script in
                    .init(name: "step\(i + 1)", image: "\(Self.registry)/demo/httpd:1", command: ["sh", "-c"], args: [script])
                }
            }
        }
        let ok = try await run(rollout([instance(["echo $GREETING > /data/index.html", "echo from-init >> /data/index.html"])], try: 1))
        #expect(ok.outcome.status == .succeeded, "\(ok.outcome)")
        #expect(ok.events.filter { $0.kind == .initContainer }.map(\.message) == ["running init container step1 (1/2)", "running init container step2 (2/2)"])
        #expect(try await Self.awaitPage(port, "hi\nfrom-init\n"))
        #expect(try await containers().keys.sorted() == ["\(prefix)-web"], "the init containers are gone")

        let failed = try await run(rollout([instance(["echo migrating; exit 1", "echo never"])], try: 2))
        #expect(failed.outcome.status == .failed)
        let error = try #require(failed.outcome.error)
        #expect(error.hasPrefix("DEPLOY: rollout failed at web (init step1: exited with code 1"), "\(error)")
        #expect(error.contains("last log lines: migrating") && error.contains("nothing had been replaced"), "\(error)")
        #expect(!failed.events.contains { $0.message.contains("step2") })
        #expect(try await containers().keys.sorted() == ["\(prefix)-web"])
        #expect(Self.page(port) == "hi\nfrom-init\n", "the running container was never touched")
    }

    @Test("an expected state 'exited 0' runs a one-shot container; a restore puts it back without running it again; a wrong exit code fails")
    func oneShot() async throws {
        defer { Task { [self] in await cleanUp() } }
        func migration(exit code: Int) -> RolloutInstance {
            RolloutInstance(
                name: "migrate", image: "\(Self.registry)/demo/httpd:1",
                config: ContainerConfig(
                    environment: ["CODE": "\(code)"], command: ["sh", "-c"], args: ["echo migrated; exit $CODE"],
                    expectedState: .init(state: .exited, exitCode: 0, timeoutSeconds: 30)),
                registryAuthKey: Self.authKey)
        }
        let ok = try await run(rollout([migration(exit: 0), web("web", version: "1")], try: 1))
        #expect(ok.outcome.status == .succeeded, "\(ok.outcome)")
        #expect(ok.events.contains { $0.kind == .health && $0.message.hasPrefix("exited with code 0 as expected") }, "\(ok.events)")
        let first = try await engine.inspectContainer("\(prefix)-migrate")
        #expect(!first.state.running && first.state.exitCode == 0)

        // The one-shot switches, then the next instance fails: the previous one-shot is put back as it was, exited.
        let failing = ContainerConfig.HealthCheck(test: ["CMD", "false"], intervalSeconds: 1, retries: 1)
        let restoring = try await run(rollout([migration(exit: 0), web("web", version: "2", health: failing)], try: 2))
        #expect(restoring.outcome.error?.contains("restored migrate") == true, "\(restoring.outcome)")
        let restored = try await engine.inspectContainer("\(prefix)-migrate")
        #expect(restored.id == first.id && !restored.state.running && restored.state.startedAt == first.state.startedAt, "put back, not run again")

        let bad = try await run(rollout([migration(exit: 3)], try: 3))
        #expect(
            bad.outcome.error?.hasPrefix("DEPLOY: rollout failed at migrate (health: exited with code 3, expected 0; last log lines: migrated") == true,
            "\(bad.outcome)")
        #expect(try await engine.inspectContainer("\(prefix)-migrate").id == first.id)
        #expect(try await containers().keys.sorted() == ["\(prefix)-migrate", "\(prefix)-web"])
    }

    @Test("a try after an interrupted one puts back the previous container it had set aside and removes its new one")
    func recoversFromAnInterruptedTry() async throws {
        let port = TestPlatform.freePort()
        defer { Task { [self] in await cleanUp() } }
        let first = try await run(rollout([web("web", version: "1", port: port)], try: 1))
        #expect(first.outcome.status == .succeeded, "\(first.outcome)")
        let previous = try await engine.inspectContainer("\(prefix)-web")
        // What a crash between "set aside" and "switch" leaves: the previous aside and stopped, a new one under its temporary name.
        try await engine.renameContainer(previous.id, to: "\(prefix)-web.previous")
        try await engine.stopContainer(previous.id, timeout: .seconds(5))
        try await createLeftover("\(prefix)-web.next", instance: "web")

        let second = try await run(rollout([web("web", version: "2", port: port)], try: 2))
        #expect(second.outcome.status == .succeeded, "\(second.outcome)")
        #expect(
            second.events.prefix(2).map(\.message) == [
                "removed the new container an interrupted try had left", "put back the previous container an interrupted try had set aside",
            ], "\(second.events)")
        #expect(try await containers().keys.sorted() == ["\(prefix)-web"])
        #expect(try await Self.awaitPage(port, "2 hi\n"))
    }

    @Test("a previous container an earlier cleanup left as .retired is removed by the next try, never put back")
    func retiredLeftoverIsRemoved() async throws {
        let port = TestPlatform.freePort()
        defer { Task { [self] in await cleanUp() } }
        let first = try await run(rollout([web("web", version: "1", port: port)], try: 1))
        #expect(first.outcome.status == .succeeded, "\(first.outcome)")
        // What a cleanup whose removal failed leaves beside the current container: the previous one, renamed.
        try await createLeftover("\(prefix)-web.retired", instance: "web")

        let second = try await run(rollout([web("web", version: "2", port: port)], try: 2))
        #expect(second.outcome.status == .succeeded, "\(second.outcome)")
        #expect(second.events.contains { $0.message == "removed a previous container an earlier cleanup had left" }, "\(second.events)")
        #expect(try await containers().keys.sorted() == ["\(prefix)-web"])
        #expect(try await Self.awaitPage(port, "2 hi\n"))
    }

    @Test("without registry credentials a failed pull uses the image already on the node, and fails when there is none")
    func localImages() async throws {
        defer { Task { [self] in await cleanUp() } }
        let local = RolloutInstance(name: "local", image: "localhost/coxswain-demo:1", config: ContainerConfig(args: ["sleep", "600"]))
        let ok = try await run(rollout([local], try: 1))
        #expect(ok.outcome.status == .succeeded, "\(ok.outcome)")
        #expect(ok.events.contains { $0.kind == .pull && $0.message.contains("using the image already on this node") }, "\(ok.events)")
        let missing = RolloutInstance(name: "missing", image: "localhost/\(prefix)-none:1", config: ContainerConfig())
        let failed = try await run(rollout([missing], try: 2))
        #expect(failed.outcome.error?.hasPrefix("DEPLOY: rollout failed at missing (pull: ") == true, "\(failed.outcome)")
        #expect(try await containers().keys.sorted() == ["\(prefix)-local"])
    }

    @Test("a container Coxswain does not manage under the instance's name is never touched")
    func unmanagedNameIsRefused() async throws {
        defer { Task { [self] in await cleanUp() } }
        let stranger = ContainerSpec(image: "localhost/coxswain-demo:1", name: "\(prefix)-web")
        let id = try await engine.createContainer(stranger)
        defer { Task { [engine] in try? await engine.removeContainer(id, force: true) } }
        let refused = try await run(rollout([web("web", version: "1")], try: 1))
        #expect(
            refused.outcome.error?.hasPrefix("DEPLOY: \(prefix)-web is not this prefix's web (a container Coxswain does not manage") == true
                && refused.outcome.error?.hasSuffix("nothing was changed") == true,
            "\(refused.outcome)")
        #expect(try await engine.inspectContainer("\(prefix)-web").id == id)
    }
}
