import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Testing

/// A node that goes offline during a rollout, on the real engine and registry: the deployment fails
/// at the try's timeout, the previous version keeps serving through the node's port proxy (a process
/// of its own, untouched by the agent's death), and the agent, back, puts the previous container
/// back and reports what actually runs.
extension PlatformTests {
    @Test(
        "delivery: a node offline mid-rollout fails the deployment at the timeout, the previous version keeps serving, and the node back reports what runs",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(5)))
    func deliveryNodeOffline() async throws {
        let engine = Self.engine()
        let tag = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        let prefix = "off\(tag)"
        let port = TestPlatform.freePort()
        let socket = ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"]
        defer { Task { _ = try? await engine.removeContainers(labels: ContainerLabels.prefixFilter(prefix)) } }

        try await TestPlatform.with(nodes: []) { p in
            try await p.enrolDeployer("node-a", extraArguments: socket)
            try await eventually("node-a online with an engine") { try await p.cli(["manage", "--list-nodes"]).stdout.contains("podman") }
            try await api(p, "POST", APIRoute.addRegistry.path, try body(Self.localRegistry), expect: 201)
            try await api(p, "POST", APIRoute.createProduct.path, try body(ProductRequest(name: "site", kind: .simple)), expect: 201)
            func config(_ version: String, ready: Bool) -> ContainerConfig {
                ContainerConfig(
                    environment: ["VERSION": version], ports: [ContainerConfig.Port(internal: 8080, external: port, hostIP: "127.0.0.1")],
                    command: ["sh", "-c"], args: ["echo \"$VERSION\" > /www/index.html && exec httpd -f -p 8080 -h /www"],
                    healthCheck: ContainerConfig.HealthCheck(
                        test: ["CMD-SHELL", ready ? "wget -q -O- http://127.0.0.1:8080/ > /dev/null" : "test -e /www/never"], intervalSeconds: 1,
                        retries: 1000),
                    expectedState: ContainerConfig.ExpectedState(state: .running, timeoutSeconds: 600))
            }
            let images = APIRoute.addImage.path(["product": "site", "version": ProductInfo.simpleVersionName])
            try await api(
                p, "POST", images, try body(ImageRequest(name: "web", registry: "local", image: "demo/httpd", tag: "1", config: config("1", ready: true))),
                expect: 201)
            let created = try await api(
                p, "POST", APIRoute.createDeployment.path, try body(DeploymentRequest(product: "site", node: "node-a", prefix: prefix)), expect: 201)
            let id = try JSONDecoder.api.decode(DeploymentInfo.self, from: Data(created.utf8)).id.rawValue
            #expect(try await deployAndWait(p, id) == "successful")
            #expect(try await page(port) == "1\n")
            let previous = try await engine.inspectContainer("\(prefix)-web")

            // 1. A redeploy whose new container never gets healthy; the agent dies while it waits.
            try await api(
                p, "PUT", APIRoute.updateImage.path(["product": "site", "version": ProductInfo.simpleVersionName, "image": "web"]),
                try body(ImageRequest(config: config("2", ready: false))), expect: 200)
            try await api(p, "POST", APIRoute.deploy.path(id: id), try body(DeployRequest(timeoutSeconds: 15)), expect: 202)
            try await eventually("the new container runs beside the previous one", timeout: .seconds(60)) {
                (try? await engine.inspectContainer("\(prefix)-web.next"))?.state.running == true
            }
            await p.stop("deployer-node-a", signal: SIGKILL)
            let killed = ContinuousClock.now

            // 2. The deployment fails at the try's timeout; the previous version serves all along.
            #expect(try await page(port) == "1\n", "the node's port proxy serves the previous container while the agent is gone")
            try await eventually("the deployment failed", timeout: .seconds(120), every: .milliseconds(250)) {
                try await deploymentStatus(p, id) == "failed"
            }
            print("[figures] node offline mid-rollout: deployment failed \(killed.duration(to: .now)) after the agent died (try timeout 15 s)")
            #expect(try await page(port) == "1\n")
            let events = try await api(p, "GET", APIRoute.deploymentEvents.path(id: id), expect: 200)
            #expect(events.contains("failed"), "\(events)")

            // 3. Back online: the agent puts right what the interrupted try left and reports what runs.
            try p.startDeployer("node-a", extraArguments: socket)
            try await eventually("the interrupted try's new container is gone", timeout: .seconds(60)) {
                (try? await engine.inspectContainer("\(prefix)-web.next")) == nil
            }
            let current = try await engine.inspectContainer("\(prefix)-web")
            #expect(current.id == previous.id && current.state.running, "the previous container runs under its name")
            try await eventually("the node reports the previous container running", timeout: .seconds(30)) {
                let shown = try JSONDecoder.api.decode(
                    DeploymentInfo.self, from: Data(try await api(p, "GET", APIRoute.getDeployment.path(id: id), expect: 200).utf8))
                return shown.observed?.map { "\($0.container) \($0.state)" } == ["\(prefix)-web running"]
            }
            #expect(try await page(port) == "1\n")
            // The agent's journal reported the interrupted task; the redelivered batch ran nothing.
            #expect(try await deploymentStatus(p, id) == "failed")
        }
    }
}
