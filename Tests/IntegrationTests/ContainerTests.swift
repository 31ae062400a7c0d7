import AsyncHTTPClient
import CoxswainContainerEngine
import Foundation
import Logging
import Testing

/// Container operations end to end: the real CLI → Gateway (role per action) → Scheduler → the
/// Deployer's engine driver → the real Podman of `scripts/engine.sh` (scripts/test.sh starts it).
/// node-a drives the engine; node-b is configured with a socket that does not exist.
extension PlatformTests {
    static let engineSocket = ProcessInfo.processInfo.environment["COXSWAIN_ENGINE_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }

    /// The test's own engine client (to prepare containers; the product's path is the CLI).
    static func engine() -> ContainerEngine {
        var logger = Logger(label: "container-tests")
        logger.logLevel = .notice
        return ContainerEngine(socketPath: engineSocket ?? "/nonexistent", httpClient: .shared, logger: logger)
    }

    @Test(
        "containers: engine in heartbeats, list/inspect/logs/start/stop/restart/remove through the CLI, roles, a node without an engine",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(4)))
    func containers() async throws {
        let environment = ProcessInfo.processInfo.environment
        let registry = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
        let credentials = RegistryCredentials(
            username: environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain", password: environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "", serverAddress: registry)
        let engine = Self.engine()
        let prefix = "cx\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
        let missingSocket = "/tmp/coxswain-no-engine-\(prefix).sock"
        try await TestPlatform.with(nodes: []) { platform in
            try await platform.enrolDeployer("node-a", extraArguments: ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"])
            try await platform.enrolDeployer("node-b", extraArguments: ["--set", "deployer.container_socket=\(missingSocket)"])
            defer { Task { _ = try? await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix)) } }

            // 1. The heartbeat reports the engine, or none with the socket it tried.
            var engines: [String: String] = [:]
            for _ in 0..<100 {
                let r = try await platform.cli(["manage", "--list-nodes", "--output", "json"])
                let nodes = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
                for node in nodes {
                    if let name = node["name"] as? String, let report = node["engine"] as? [String: Any] {
                        engines[name] = "\(report["kind"] ?? "?") \(report["apiVersion"] ?? "") \(report["problem"] ?? "")"
                    }
                }
                if engines.count == 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(engines["node-a"]?.hasPrefix("podman 1.41") == true, "\(engines)")
            #expect(engines["node-b"]?.hasPrefix("none") == true && engines["node-b"]?.contains(missingSocket) == true, "\(engines)")
            let table = try await platform.cli(["manage", "--list-nodes"])
            #expect(table.stdout.contains("ENGINE") && table.stdout.contains("podman"), "\(table)")

            // 2. Prepared on the engine directly (deployments, which create containers, come next):
            // a web server on a free loopback port, and a container that writes three lines and exits.
            let image = try ImageReference(parsing: "\(registry)/demo/httpd:1")
            try await engine.pullImage(image, credentials: credentials)
            let port = UInt16(TestPlatform.freePort())
            var web = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "web"))
            web.labels = ContainerLabels.managedLabels(team: "default", prefix: prefix, deployment: "test", configDigest: "sha256:0")
            web.portBindings = [.init(container: .init(8080), hostIP: "127.0.0.1", hostPort: port)]
            web.initProcess = true
            _ = try await engine.createContainer(web)
            var counter = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "counter"))
            counter.labels = web.labels
            counter.command = ["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 1; done"]
            _ = try await engine.createContainer(counter)

            // 3. list (viewer route), --all shows created ones.
            let listed = try await platform.cli(["container", "list", "--node", "node-a", "--all", "--prefix", prefix])
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stdout.contains("\(prefix)-web") && listed.stdout.contains("\(prefix)-counter") && listed.stdout.contains("created"), "\(listed)")
            let running = try await platform.cli(["container", "list", "--node", "node-a", "--prefix", prefix])
            #expect(running.status == 0 && !running.stdout.contains("\(prefix)-web"), "only running ones without --all: \(running)")

            // 4. start (member route) and the container answers on loopback.
            let started = ContinuousClock.now
            let start = try await platform.cli(["container", "start", "\(prefix)-web", "--node", "node-a"])
            #expect(start.status == 0, "\(start)")
            print("[figures] container start through the CLI: \(started.duration(to: .now))")
            let page = try await HTTPClient.shared.get(url: "http://127.0.0.1:\(port)/").get()
            #expect(page.body.map { String(buffer: $0) } == "hello from coxswain\n")

            // 5. inspect: state and configuration, environment names only.
            let inspect = try await platform.cli(["container", "inspect", "\(prefix)-web", "--node", "node-a"])
            #expect(inspect.status == 0 && inspect.stdout.contains("\"running\":true"), "\(inspect)")

            // 6. logs --follow streams lines while the container writes them, and ends when it stops.
            #expect(try await platform.cli(["container", "start", "\(prefix)-counter", "--node", "node-a"]).status == 0)
            let followStarted = ContinuousClock.now
            let followed = try await platform.cli(["container", "logs", "\(prefix)-counter", "--follow", "--node", "node-a"], timeout: .seconds(60))
            #expect(followed.status == 0, "\(followed)")
            #expect(followed.stdout.contains("node-a | line1") && followed.stdout.contains("node-a | line3"), "\(followed)")
            // The container writes a line a second: following it took about as long as the container ran.
            #expect(followStarted.duration(to: .now) > .seconds(1), "follow returned before the container stopped: \(followed)")
            let logs = try await platform.cli(["container", "logs", "\(prefix)-counter", "--tail", "1", "--node", "node-a"])
            #expect(logs.status == 0 && logs.stdout.contains("line3") && !logs.stdout.contains("line1"), "\(logs)")

            // 7. stop, restart.
            let stop = try await platform.cli(["container", "stop", "\(prefix)-web", "--time", "1", "--node", "node-a"])
            #expect(stop.status == 0, "\(stop)")
            let restart = try await platform.cli(["container", "restart", "\(prefix)-web", "--node", "node-a"])
            #expect(restart.status == 0, "\(restart)")

            // 8. roles: a viewer lists but cannot stop (403 before anything is sent to a node).
            let password = "correct-horse-battery"
            let created = try await platform.cli(["user", "create", "cx-viewer", "--role", "viewer", "--password-stdin"], stdin: password)
            #expect(created.status == 0, "\(created)")
            let (loginStatus, loginBody) = try await platform.http("POST", "/v1/login", body: #"{"user":"cx-viewer","password":"\#(password)"}"#)
            #expect(loginStatus == 200, "\(loginBody)")
            let session = (try JSONSerialization.jsonObject(with: Data(loginBody.utf8)) as? [String: Any])?["session"] as? String ?? ""
            let (tokenStatus, tokenBody) = try await platform.http("POST", "/v1/tokens", headers: ["Authorization: Session \(session)"], body: #"{"name":"t"}"#)
            #expect(tokenStatus == 201, "\(tokenBody)")
            let secret = (try JSONSerialization.jsonObject(with: Data(tokenBody.utf8)) as? [String: Any])?["secret"] as? String ?? ""
            let viewer = ["COXSWAIN_URL": "http://127.0.0.1:\(platform.httpPort)", "COXSWAIN_TOKEN": secret, "COXSWAIN_SOCKET": ""]
            let viewerList = try await platform.cli(["container", "list", "--node", "node-a"], extraEnvironment: viewer)
            #expect(viewerList.status == 0, "\(viewerList)")
            let viewerStop = try await platform.cli(["container", "stop", "\(prefix)-web", "--node", "node-a"], extraEnvironment: viewer)
            #expect(viewerStop.status != 0 && viewerStop.stderr.contains("member"), "\(viewerStop)")

            // 9. bad input: not a DNS label, and CONTAINER is never a plain job.
            let badPrefix = try await platform.cli(["container", "list", "--prefix", "Not_A_Label"])
            #expect(badPrefix.status != 0 && badPrefix.stderr.contains("DNS label"), "\(badPrefix)")
            let asJob = try await platform.cli(["exec", "--verb", "CONTAINER", #"{"action":"list"}"#, "--wait"])
            #expect(asJob.status != 0 && asJob.stderr.contains("container commands"), "\(asJob)")

            // 10. a node without an engine answers with the socket it tried.
            let none = try await platform.cli(["container", "list", "--node", "node-b"])
            #expect(none.status == 1 && none.stdout.contains(missingSocket), "\(none)")

            // 11. an image the registry refuses: a clear error naming registry and image.
            let pull = try await platform.cli(["image", "pull", "\(registry)/demo/httpd:1", "--node", "node-a"])
            #expect(pull.status == 1 && pull.stdout.contains(registry), "anonymous pull from an authenticated registry: \(pull)")

            // 12. remove --prefix (admin route): everything under the prefix goes.
            let remove = try await platform.cli(["container", "remove", "--prefix", prefix, "--force", "--node", "node-a"])
            #expect(remove.status == 0 && remove.stdout.contains("\(prefix)-web"), "\(remove)")
            #expect(try await engine.listContainers(ContainerListOptions(all: true, labels: ContainerLabels.prefixFilter(prefix))).isEmpty)

            // Every operation is a job in the audit trail.
            #expect(Int(try await platform.sql("SELECT count(*) FROM jobs WHERE verb = 'CONTAINER'")) ?? 0 >= 10)
        }
    }
}
