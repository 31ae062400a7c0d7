import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Testing

/// Container delivery end to end on the real engine and registry: a two-image product (an httpd
/// serving a page rendered from its environment, and a sidecar) deployed to two nodes and curled;
/// an incremental version rolled out while the old one serves; a version failing its health check
/// (the old containers restored and still serving); a rollback with the frozen configuration
/// (the descendant downgraded); copy; delete removing the containers; bad input refused.
extension PlatformTests {
    /// The JSON of an API value.
    func body<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// An API call that must answer `expected`; returns the body.
    @discardableResult
    func api(_ p: TestPlatform, _ method: String, _ path: String, _ body: String? = nil, expect expected: Int) async throws -> String {
        let (status, text) = try await socketCall(p, method, path, body: body)
        #expect(status == expected, "\(method) \(path) → \(status): \(text)")
        return text
    }

    func deploymentStatus(_ p: TestPlatform, _ id: String) async throws -> String {
        try await p.sql("SELECT status FROM deployments WHERE id = '\(id)'")
    }

    /// Deploys and waits until the deployment is no longer in progress; returns its status.
    func deployAndWait(_ p: TestPlatform, _ id: String, _ request: DeployRequest = DeployRequest()) async throws -> String {
        try await api(p, "POST", APIRoute.deploy.path(id: id), try body(request), expect: 202)
        var status = "in_progress"
        try await eventually("deployment \(id) settled", timeout: .seconds(180), every: .milliseconds(100)) {
            status = try await deploymentStatus(p, id)
            return status != "in_progress"
        }
        return status
    }

    /// The local registry of `scripts/engine.sh` (address and credentials from the environment).
    static var localRegistry: RegistryRequest {
        let environment = ProcessInfo.processInfo.environment
        return RegistryRequest(
            name: "local", kind: .v2, url: environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510", plainHTTP: true,
            username: environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain", password: environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")
    }

    func page(_ port: Int) async throws -> String {
        try await runCommand("/usr/bin/curl", ["-sS", "--max-time", "3", "http://127.0.0.1:\(port)/"]).stdout
    }

    @Test(
        "delivery: two images on two nodes, rollout without downtime, failed health restored, rollback, copy, delete, bad input",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(8)))
    func delivery() async throws {
        let url = Self.localRegistry.url ?? ""
        let engine = Self.engine()
        let tag = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        let (prefixA, prefixB) = ("shop-a\(tag)", "shop-b\(tag)")
        let (portA, portB) = (TestPlatform.freePort(), TestPlatform.freePort())

        try await TestPlatform.with(nodes: []) { p in
            for node in ["node-a", "node-b"] {
                try await p.enrolDeployer(node, extraArguments: ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"])
            }
            try await eventually("both nodes online with an engine") {
                try await p.cli(["manage", "--list-nodes"]).stdout.components(separatedBy: "podman").count == 3
            }
            try await api(p, "POST", APIRoute.addRegistry.path, try body(Self.localRegistry), expect: 201)

            // 1. A complex product with an incremental version of two images, from a product file
            // (`coxswain apply`, twice: the second changes nothing).
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-\(tag)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let productFile = work.appendingPathComponent("shop.yaml").path
            try Self.shopFile.write(toFile: productFile, atomically: true, encoding: .utf8)
            let applied = try await p.cli(["apply", "-f", productFile])
            #expect(applied.status == 0 && applied.stdout.contains("change(s) applied"), "\(applied)")
            let reapplied = try await p.cli(["apply", "-f", productFile])
            #expect(reapplied.status == 0 && reapplied.stdout.contains("nothing changed"), "\(reapplied)")
            let exported = try await p.cli(["export", "product", "shop"])
            #expect(exported.status == 0 && exported.stdout.contains("sidecar") && exported.stdout.contains("{{ version }}"), "\(exported)")
            let images = APIRoute.addImage.path(["product": "shop", "version": "1.0"])

            // 2. Bad input: each a 4xx naming the problem, nothing stored.
            let imagesBefore = try await p.sql("SELECT count(*) FROM version_images")
            let unknownRegistry = try await p.cli([
                "version", "image", "add", "shop", "1.0", "--registry", "ghost", "--image", "demo/httpd", "--tag", "1", "--name", "x",
            ])
            #expect(unknownRegistry.status != 0 && unknownRegistry.stderr.contains("ghost"), "\(unknownRegistry)")
            let noTag = try await api(p, "POST", images, try body(ImageRequest(name: "x", registry: "local", image: "demo/httpd")), expect: 400)
            #expect(noTag.contains("tag"))
            let duplicate = try await api(
                p, "POST", images, try body(ImageRequest(name: "web", registry: "local", image: "demo/httpd", tag: "1")), expect: 409)
            #expect(duplicate.contains("web"))
            let badPort = try await api(
                p, "POST", images,
                try body(
                    ImageRequest(
                        name: "x", registry: "local", image: "demo/httpd", tag: "1",
                        config: ContainerConfig(ports: [ContainerConfig.Port(internal: 8080, external: 70000)]))), expect: 400)
            #expect(badPort.contains("ports[0].external"))
            #expect(try await p.sql("SELECT count(*) FROM version_images") == imagesBefore)
            let badPrefix = try await api(
                p, "POST", APIRoute.createDeployment.path, try body(DeploymentRequest(product: "shop", node: "node-a", prefix: "Shop_A")), expect: 400)
            #expect(badPrefix.contains("prefix"))
            let badPrefixCLI = try await p.cli(["deployment", "create", "shop", "--node", "node-a", "--prefix", "Shop_A"])
            #expect(badPrefixCLI.status == 64, "\(badPrefixCLI)")
            #expect(try await p.sql("SELECT count(*) FROM deployments") == "0")

            // 3. Deployed to both nodes; each web instance publishes its own loopback port (instance layer).
            func layer(_ port: Int) throws -> String {
                let path = work.appendingPathComponent("layer-\(port).yaml").path
                try "ports: [{internal: 8080, external: \(port), hostIP: 127.0.0.1}]\n".write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            func created(_ r: CommandResult) throws -> String {
                #expect(r.status == 0, "\(r)")
                return try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(r.stdout.utf8)).id.rawValue
            }
            let a = try created(
                try await p.cli(
                    [
                        "deployment", "create", "shop", "--version", "1.0", "--node", "node-a", "--prefix", prefixA, "--instance-config",
                        "web=\(try layer(portA))", "--secret", "TOKEN=s3cret-a", "--output", "json",
                    ]))
            let b = try created(
                try await p.cli(
                    [
                        "deployment", "create", "shop", "--version", "1.0", "--node", "node-b", "--prefix", prefixB, "--instance-config",
                        "web=\(try layer(portB))", "--secret", "TOKEN=s3cret-b", "--output", "json",
                    ]))
            let started = ContinuousClock.now
            try await api(p, "POST", APIRoute.deploy.path(id: a), "{}", expect: 202)
            // Deploying an in-progress deployment is refused.
            let again = try await p.cli(["deployment", "deploy", a])
            #expect(again.status != 0 && again.stderr.contains("rollout finishes"), "\(again)")
            let deployedB = try await p.cli(["deployment", "deploy", String(b.prefix(8)), "--wait"], timeout: .seconds(180))
            #expect(deployedB.status == 0 && deployedB.stdout.contains("successful"), "\(deployedB)")
            try await eventually("node-a deployed", timeout: .seconds(120)) { try await deploymentStatus(p, a) != "in_progress" }
            print("[figures] two-image product deployed to 2 nodes: \(started.duration(to: .now))")
            let eventsA = try await p.cli(["deployment", "events", a])
            #expect(try await deploymentStatus(p, a) == "successful", "\(eventsA)")
            #expect(eventsA.stdout.contains("switch") && eventsA.stdout.contains("sidecar"), "\(eventsA)")
            #expect(try await page(portA) == "hello from 1.0\n")
            #expect(try await page(portB) == "hello from 1.0\n")
            let labelled = try await engine.listContainers(ContainerListOptions(all: true, labels: ["\(ContainerLabels.deployment)=\(a)"]))
            #expect(
                Set(labelled.compactMap { $0.names.first?.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }) == [
                    "\(prefixA)-web", "\(prefixA)-sidecar",
                ], "\(labelled)")
            let effective = try await p.cli(["deployment", "show", a, "--effective"])
            #expect(
                effective.status == 0 && effective.stdout.contains("instance") && effective.stdout.contains("image")
                    && effective.stdout.contains("environment.VERSION"), "\(effective)")

            // 3b. What the node reports running is shown beside the status: a stopped container is drift.
            func shown(_ id: String) async throws -> DeploymentInfo {
                try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(try await api(p, "GET", APIRoute.getDeployment.path(id: id), expect: 200).utf8))
            }
            try await eventually("node-a reports both containers running", timeout: .seconds(30)) {
                try await shown(a).observed?.filter { $0.state == "running" }.count == 2
            }
            try await engine.stopContainer("\(prefixA)-sidecar", timeout: .seconds(2))
            try await eventually("the stopped sidecar shows as drift", timeout: .seconds(30)) {
                try await shown(a).drift?.contains { $0.hasPrefix("sidecar:") } == true
            }
            let drifted = try await p.cli(["deployment", "show", a])
            #expect(drifted.stdout.contains("drift:") && drifted.stdout.contains("sidecar"), "\(drifted)")
            try await engine.startContainer("\(prefixA)-sidecar")

            // 4. Version 1.1 (increase: node-a's deployment copied as preparing) with a new greeting,
            // rolled out on node-a while a probe loops on its port.
            let increased = try await p.cli(["version", "increase", "shop", "1.0", "1.1", "--changelog", "bonjour"])
            #expect(increased.status == 0, "\(increased)")
            let greeted = try await p.cli(["version", "image", "update", "shop", "1.1", "web", "-e", "GREETING=bonjour"])
            #expect(greeted.status == 0, "\(greeted)")
            let frozen = try await p.cli(["version", "image", "update", "shop", "1.0", "web", "-e", "GREETING=bonjour"])
            #expect(frozen.status != 0 && frozen.stderr.contains("frozen"), "\(frozen)")
            let bonjour =
                try JSONDecoder.api.decode(
                    VersionInfo.self, from: Data(try await api(p, "GET", APIRoute.getVersion.path(["product": "shop", "version": "1.1"]), expect: 200).utf8)
                ).images.first { $0.name == "web" }?.config ?? ContainerConfig()
            let a11 = try await p.sql(
                "SELECT d.id FROM deployments d JOIN versions v ON v.id = d.version_id WHERE v.name = '1.1' AND d.node = 'node-a' AND d.prefix = '\(prefixA)'")
            // The copy carries the secret values, sealed again for it (the sidecar exits without TOKEN).
            #expect(try await p.sql("SELECT array_to_string(secret_names, ',') FROM deployments WHERE id = '\(a11)'") == "TOKEN")
            let probe = Probe(port: portA)
            let probing = Task { await probe.run() }
            let rolled = try await p.cli(["deployment", "deploy", a11, "--stream"], timeout: .seconds(180))
            #expect(rolled.status == 0 && rolled.stdout.contains("switch web") && rolled.stdout.contains("succeeded"), "\(rolled)")
            probing.cancel()
            let gap = await probing.value
            print("[figures] rollout of a fixed-port instance: \(gap.failures) failed of \(gap.requests) requests, longest gap \(gap.longestGap)")
            #expect(gap.failures == 0, "the node's port proxy kept the port served during the rollout")
            #expect(try await page(portA) == "bonjour from 1.1\n")
            #expect(try await deploymentStatus(p, a) == "obsolete")

            // 5. Version 1.2 fails its health check: failed, the 1.1 containers restored and serving.
            try await api(
                p, "POST", APIRoute.increaseVersion.path(["product": "shop", "version": "1.1"]), try body(IncreaseVersionRequest(name: "1.2")),
                expect: 201)
            var broken = bonjour
            broken.healthCheck = ContainerConfig.HealthCheck(test: ["CMD", "false"], intervalSeconds: 1, retries: 1)
            broken.expectedState = ContainerConfig.ExpectedState(state: .running, timeoutSeconds: 15)
            try await api(
                p, "PUT", APIRoute.updateImage.path(["product": "shop", "version": "1.2", "image": "web"]), try body(ImageRequest(config: broken)),
                expect: 200)
            let a12 = try await p.sql(
                "SELECT d.id FROM deployments d JOIN versions v ON v.id = d.version_id WHERE v.name = '1.2' AND d.node = 'node-a' AND d.prefix = '\(prefixA)'")
            #expect(try await deployAndWait(p, a12) == "failed")
            let events = try await api(p, "GET", APIRoute.deploymentEvents.path(id: a12), expect: 200)
            #expect(events.contains("web") && events.contains("restor"), "\(events)")
            #expect(try await page(portA) == "bonjour from 1.1\n")
            #expect(try await deploymentStatus(p, a11) == "successful")

            // 6. Rollback: 1.0's obsolete deployment with its frozen configuration; 1.1's is downgraded.
            let notObsolete = try await p.cli(["deployment", "rollback", a11])
            #expect(notObsolete.status != 0, "\(notObsolete)")
            let rolledBack = try await p.cli(["deployment", "rollback", a, "--wait"], timeout: .seconds(180))
            #expect(rolledBack.status == 0 && rolledBack.stdout.contains("successful"), "\(rolledBack)")
            #expect(try await page(portA) == "hello from 1.0\n")
            #expect(try await deploymentStatus(p, a11) == "downgraded")
            #expect(try await p.sql("SELECT rollback FROM deployment_tries WHERE deployment_id = '\(a)' ORDER BY try DESC LIMIT 1") == "t")
            // Exactly the bits that ran: the first try froze the digest its tag named, and the rollback ran that digest.
            let firstFrozen = try await p.sql(
                "SELECT frozen->'instances'->0->>'image' FROM deployment_tries WHERE deployment_id = '\(a)' ORDER BY try LIMIT 1")
            let pinned = try #require(firstFrozen.split(separator: "@").last.map(String.init), "\(firstFrozen)")
            #expect(firstFrozen.hasPrefix("demo/httpd:1@sha256:") && pinned.count == 71, "\(firstFrozen)")
            let rolledImage = try await engine.inspectContainer("\(prefixA)-web").config.image
            #expect(rolledImage.hasSuffix("demo/httpd@" + pinned) || rolledImage.hasSuffix(":1@" + pinned), "\(rolledImage)")

            // 7. Copy node-b's deployment under another prefix on node-a: preparing, its layers kept.
            let copied = try await p.cli(["deployment", "copy", b, "--node", "node-a", "--prefix", "copy\(tag)"])
            #expect(copied.status == 0 && copied.stdout.contains("preparing"), "\(copied)")

            // 7b. A simple product (one hidden rolling version) on node-b, redeployed by CI with a deploy
            // token that can do nothing else.
            let sitePort = TestPlatform.freePort()
            try await api(p, "POST", APIRoute.createProduct.path, try body(ProductRequest(name: "site", kind: .simple)), expect: 201)
            let site = ContainerConfig(
                ports: [ContainerConfig.Port(internal: 8080, external: sitePort, hostIP: "127.0.0.1")],
                command: ["sh", "-c", "echo site > /www/index.html && exec httpd -f -p 8080 -h /www"])
            try await api(
                p, "POST", APIRoute.addImage.path(["product": "site", "version": ProductInfo.simpleVersionName]),
                try body(ImageRequest(name: "web", registry: "local", image: "demo/httpd", tag: "1", config: site)), expect: 201)
            let siteCreated = try await api(
                p, "POST", APIRoute.createDeployment.path, try body(DeploymentRequest(product: "site", node: "node-b", prefix: "site\(tag)", protected: true)),
                expect: 201)
            let siteID = try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(siteCreated.utf8)).id.rawValue
            let tokenAnswer = try await api(
                p, "POST", APIRoute.createDeployToken.path(id: siteID), try body(DeployTokenRequest(name: "ci", expiresInSeconds: 3600)), expect: 201)
            let token = try JSONDecoder.api.decode(DeployTokenInfo.self, from: Data(tokenAnswer.utf8)).token ?? ""
            #expect(token.hasPrefix("cxd_"))
            let bearer = ["-H", "Authorization: Bearer \(token)"]
            let (deployStatus, deployBody) = try await p.http("POST", APIRoute.deploy.path(id: siteID), headers: bearer, body: "{}")
            #expect(deployStatus == 202, "\(deployBody)")
            try await eventually("site deployed by the token", timeout: .seconds(120)) { try await deploymentStatus(p, siteID) == "successful" }
            #expect(try await page(sitePort) == "site\n")
            let (otherStatus, _) = try await p.http("POST", APIRoute.deploy.path(id: a), headers: bearer, body: "{}")
            #expect(otherStatus == 403)
            let (listStatus, _) = try await p.http("GET", APIRoute.listDeployments.path, headers: bearer)
            #expect(listStatus == 403)
            let (readStatus, _) = try await p.http("GET", APIRoute.getDeployment.path(id: siteID), headers: bearer)
            #expect(readStatus == 200)
            try await eventually("the token is the actor in the audit log") {
                try await p.sql("SELECT count(*) FROM audit_events WHERE actor = 'deploy-token:ci' AND action = 'deployment.started'") == "1"
            }
            // Protected: another product's deployment onto site's node and prefix is refused (unless overridden).
            let intruder = try await api(
                p, "POST", APIRoute.createDeployment.path, try body(DeploymentRequest(product: "shop", version: "1.0", node: "node-b", prefix: "site\(tag)")),
                expect: 201)
            let intruderID = try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(intruder.utf8)).id.rawValue
            let refusedDeploy = try await api(p, "POST", APIRoute.deploy.path(id: intruderID), "{}", expect: 409)
            #expect(refusedDeploy.contains("protect"), "\(refusedDeploy)")
            let (overrideStatus, _) = try await p.http(
                "POST", APIRoute.deploy.path(id: siteID), headers: bearer, body: try body(DeployRequest(overrideProtection: true)))
            #expect(overrideStatus == 403)
            try await api(p, "DELETE", APIRoute.removeDeployment.path(id: intruderID), expect: 200)
            try await api(p, "DELETE", APIRoute.revokeDeployToken.path(["id": siteID, "token": "ci"]), expect: 200)
            let (revokedStatus, _) = try await p.http("POST", APIRoute.deploy.path(id: siteID), headers: bearer, body: "{}")
            #expect(revokedStatus == 401)
            #expect(try await p.sql("SELECT position('\(token)' in string_agg(payload::text, '')) FROM audit_events") == "0")
            try await api(p, "DELETE", APIRoute.removeDeployment.path(id: siteID), expect: 200)

            // 7c. A compose file becomes a product's images, in depends_on order; what cannot map is named.
            let composePath = work.appendingPathComponent("docker-compose.yml").path
            try Self.composeFile(registry: url).write(toFile: composePath, atomically: true, encoding: .utf8)
            let imported = try await p.cli(["product", "import-compose", "composed", composePath, "--version", "1.0", "--registry", "local"])
            #expect(imported.status == 0 && imported.stdout.contains("db, front") && imported.stdout.contains("deploy"), "\(imported)")
            let composed = try JSONDecoder.api.decode(
                VersionInfo.self, from: Data(try await api(p, "GET", APIRoute.getVersion.path(["product": "composed", "version": "1.0"]), expect: 200).utf8))
            #expect(composed.images.map(\.name) == ["db", "front"], "\(composed)")
            #expect(composed.images.last?.config.restartPolicy != nil && composed.images.last?.tag == "2", "\(composed)")

            // 8. Delete removes the containers from the node.
            let removed = try await p.cli(["deployment", "remove", b])
            #expect(removed.status == 0 && removed.stdout.contains("removed"), "\(removed)")
            try await eventually("node-b's containers removed", timeout: .seconds(60)) {
                try await engine.listContainers(ContainerListOptions(all: true, labels: ["\(ContainerLabels.deployment)=\(b)"])).isEmpty
            }
            #expect(try await p.sql("SELECT count(*) FROM deployments WHERE id = '\(b)'") == "0")

            // 9. Audited, and the success/failure events are there for webhooks.
            try await eventually("deployment outcomes audited") {
                Int(try await p.sql("SELECT count(*) FROM audit_events WHERE action IN ('deployment.succeeded', 'deployment.failed')")) ?? 0 >= 5
            }
            for id in [a, a11, a12] { _ = try? await socketCall(p, "DELETE", APIRoute.removeDeployment.path(id: id)) }
            try await eventually("node-a's containers removed", timeout: .seconds(60)) {
                try await engine.listContainers(ContainerListOptions(all: true, labels: ["\(ContainerLabels.deployment)=\(a)"])).isEmpty
            }
        }
    }
}

extension PlatformTests {
    /// The product of the delivery test: an httpd whose page says its greeting and version, and a sidecar.
    static let shopFile = """
        name: shop
        kind: complex
        description: the delivery test's shop
        versions:
          - name: "1.0"
            kind: incremental
            default: true
            changelog: first
            images:
              - name: web
                registry: local
                image: demo/httpd
                tag: "1"
                config:
                  environment: {GREETING: hello, VERSION: "{{ version }}"}
                  command: ["sh", "-c", "echo \\"$GREETING from $VERSION\\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
                  healthCheck: {test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], intervalSeconds: 1, retries: 3}
              - name: sidecar
                registry: local
                image: demo/httpd
                tag: "1"
                config: {secrets: [TOKEN], command: ["sh", "-c", "test -n \\"$TOKEN\\" && exec sleep 3600"]}
        """

    /// A small compose file for `product import-compose`.
    static func composeFile(registry: String) -> String {
        """
        services:
          db:
            image: \(registry)/demo/httpd:1
            command: ["sleep", "3600"]
            environment:
              - MODE=primary
            healthcheck:
              test: ["CMD", "true"]
              interval: 5s
          web:
            image: \(registry)/demo/httpd:2
            container_name: front
            ports: ["127.0.0.1:8081:8080"]
            depends_on: [db]
            restart: unless-stopped
            deploy:
              replicas: 2
        """
    }
}

/// Requests a page in a loop and counts the failures and the longest time without an answer.
actor Probe {
    let port: Int
    private(set) var requests = 0
    private(set) var failures = 0
    init(port: Int) { self.port = port }

    func run() async -> (requests: Int, failures: Int, longestGap: Duration) {
        var lastGood = ContinuousClock.now
        var longest = Duration.zero
        while !Task.isCancelled {
            let ok = (try? await runCommand("/usr/bin/curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/"]).status) == 0
            // The request the cancellation interrupted is not an answer the port failed to give.
            if Task.isCancelled { break }
            requests += 1
            let now = ContinuousClock.now
            if ok {
                longest = max(longest, now - lastGood)
                lastGood = now
            } else {
                failures += 1
            }
        }
        return (requests, failures, longest)
    }
}

extension JSONDecoder {
    /// The API's decoder (its dates).
    static var api: JSONDecoder { WireCoding.decoder() }
}

extension PlatformTests {
    /// How long the two-image product takes to reach N nodes (`make bench-delivery`, N from
    /// `COXSWAIN_DELIVERY_NODES`; the nodes share this machine's one engine, so each deploys under
    /// its own prefix and port). Not part of `make test`.
    @Test(
        "delivery at scale: the two-image product deployed to N nodes at once",
        .enabled(if: engineSocket != nil && ProcessInfo.processInfo.environment["COXSWAIN_DELIVERY_NODES"] != nil, "make bench-delivery"),
        .timeLimit(.minutes(15)))
    func deliveryAtScale() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = min(max(Int(environment["COXSWAIN_DELIVERY_NODES"] ?? "") ?? 10, 1), 50)
        let url = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
        let nodes = (1...count).map { "bench-\($0)" }
        let tag = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        try await TestPlatform.with(nodes: []) { p in
            for node in nodes { try await p.enrolDeployer(node, extraArguments: ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"]) }
            try await eventually("\(count) nodes online", timeout: .seconds(120)) {
                try await p.cli(["manage", "--list-nodes"]).stdout.components(separatedBy: "podman").count == count + 1
            }
            try await api(
                p, "POST", APIRoute.addRegistry.path,
                try body(
                    RegistryRequest(
                        name: "local", kind: .v2, url: url, plainHTTP: true, username: environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain",
                        password: environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")), expect: 201)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-shop-\(tag).yaml").path
            try Self.shopFile.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect(try await p.cli(["apply", "-f", file]).status == 0)
            var ids: [String] = []
            var ports: [Int] = []
            for (i, node) in nodes.enumerated() {
                let port = TestPlatform.freePort()
                let web = ContainerConfig(ports: [ContainerConfig.Port(internal: 8080, external: port, hostIP: "127.0.0.1")])
                let created = try await api(
                    p, "POST", APIRoute.createDeployment.path,
                    try body(DeploymentRequest(product: "shop", node: node, prefix: "b\(tag)-\(i)", instances: ["web": web])), expect: 201)
                ids.append(try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(created.utf8)).id.rawValue)
                ports.append(port)
            }
            let started = ContinuousClock.now
            for id in ids { try await api(p, "POST", APIRoute.deploy.path(id: id), "{}", expect: 202) }
            try await eventually("every deployment settled", timeout: .seconds(600), every: .milliseconds(100)) {
                try await p.sql("SELECT count(*) FROM deployments WHERE status = 'in_progress'") == "0"
            }
            let took = started.duration(to: .now)
            #expect(try await p.sql("SELECT count(*) FROM deployments WHERE status = 'successful'") == "\(count)")
            for port in ports { #expect(try await page(port) == "hello from 1.0\n") }
            print("[figures] two-image product deployed to \(count) nodes at once (one shared engine): \(took)")
            for id in ids { _ = try? await socketCall(p, "DELETE", APIRoute.removeDeployment.path(id: id)) }
            try await eventually("containers removed", timeout: .seconds(120)) {
                try await Self.engine().listContainers(ContainerListOptions(all: true, labels: ["\(ContainerLabels.product)=shop"]))
                    .filter { $0.names.contains { $0.contains("b\(tag)-") } }.isEmpty
            }
        }
    }
}
