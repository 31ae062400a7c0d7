import CoxswainContainerEngine
import Foundation
import Testing

/// Against the real Podman service and registry of `scripts/engine.sh`:
///
///     RUN_DIR=$PWD/.run-engine scripts/engine.sh start && . .run-engine/engine.env
///     swift test --filter ContainerEngineTests
// Serialized: one test prunes images and another checks its pull in the image list.
@Suite("Container engine against real Podman", .serialized, .enabled(if: EngineFixture.enabled), .timeLimit(.minutes(2)))
struct EngineIntegrationTests {
    @Test("probe reports Podman serving API 1.41")
    func probe() async throws {
        let info = try await EngineFixture.engine().probe()
        #expect(info.kind == .podman)
        #expect(info.apiVersion == "1.41")
        #expect(info.supportsAPI("1.41"))
        #expect(try await EngineFixture.engine().ping())
    }

    @Test("a socket that does not exist is a typed error naming it")
    func missingSocket() async throws {
        let path = "/tmp/coxswain-no-such-engine-\(UInt32.random(in: 0...UInt32.max)).sock"
        do {
            _ = try await EngineFixture.engine(socket: path).probe()
            Issue.record("probe of a missing socket succeeded")
        } catch let error as ContainerEngineError {
            guard case .engineUnreachable(let socket, _) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(socket == path)
            #expect(error.description.contains(path))
            #expect(error.isRetriable)
        }
    }

    @Test("pull from the local registry with credentials; a wrong password and a missing tag are typed errors")
    func pull() async throws {
        let engine = EngineFixture.engine()
        let image = try EngineFixture.demoImage(tag: "2")
        do { try await engine.removeImage(image.description) } catch ContainerEngineError.notFound {}
        let started = ContinuousClock.now
        var lines = 0
        for try await _ in engine.pullProgress(image, credentials: EngineFixture.credentials) { lines += 1 }
        let elapsed = ContinuousClock.now - started
        print("[figures] pull of \(image) (\(lines) progress lines): \(EngineFixture.milliseconds(elapsed)) ms")
        #expect(try await engine.listImages().contains { $0.repoTags.contains(image.description) })

        let wrong = RegistryCredentials(username: "coxswain", password: "wrong-password", serverAddress: EngineFixture.registry)
        await #expect(throws: ContainerEngineError.unauthorized(registry: EngineFixture.registry, image: image.description)) {
            try await engine.pullImage(image, credentials: wrong)
        }
        await #expect(throws: ContainerEngineError.unauthorized(registry: EngineFixture.registry, image: image.description)) {
            try await engine.pullImage(image)
        }
        let missing = try EngineFixture.demoImage(tag: "no-such-tag")
        await #expect(throws: ContainerEngineError.imageNotFound(image: "\(EngineFixture.registry)/demo/httpd", tag: "no-such-tag")) {
            try await engine.pullImage(missing, credentials: EngineFixture.credentials)
        }
    }

    @Test("a web container serves over a published port, is listed by label, stops, restarts and is removed")
    func webContainer() async throws {
        try await EngineFixture.withPrefix("web") { engine, prefix in
            let image = try EngineFixture.demoImage()
            try await engine.pullImage(image, credentials: EngineFixture.credentials)
            let port = EngineFixture.freePort()
            var spec = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "web"))
            spec.labels = EngineFixture.labels(prefix: prefix)
            spec.portBindings = [.init(container: .init(8080), hostIP: "127.0.0.1", hostPort: port)]
            spec.initProcess = true
            spec.environment = ["GREETING": "hi"]
            spec.memoryBytes = 64 << 20
            spec.restartPolicy = .no

            let started = ContinuousClock.now
            let id = try await engine.createContainer(spec)
            let created = ContinuousClock.now
            try await engine.startContainer(id)
            let running = ContinuousClock.now
            print(
                "[figures] create \(EngineFixture.milliseconds(created - started)) ms + start \(EngineFixture.milliseconds(running - created)) ms = \(EngineFixture.milliseconds(running - started)) ms"
            )
            #expect(try await EngineFixture.httpGet(port: port) == "hello from coxswain\n")

            // A second container, to list two.
            var second = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "idle"))
            second.labels = EngineFixture.labels(prefix: prefix, deployment: "other")
            second.command = ["sleep", "60"]
            _ = try await engine.createContainer(second)
            await #expect(throws: ContainerEngineError.self) { try await engine.createContainer(second) }  // name in use

            let listStart = ContinuousClock.now
            let listed = try await engine.listContainers(ContainerListOptions(labels: ContainerLabels.prefixFilter(prefix)))
            print("[figures] list by label with 2 containers: \(EngineFixture.milliseconds(ContinuousClock.now - listStart)) ms")
            #expect(listed.count == 2)
            let web = try #require(listed.first { $0.name == "\(prefix)-web" })
            #expect(web.isRunning)
            #expect(web.labels[ContainerLabels.prefix] == prefix)
            #expect(web.ports.contains { $0.privatePort == 8080 && $0.publicPort == Int64(port) && $0.ip == "127.0.0.1" })
            #expect(try await engine.listContainers(ContainerListOptions(all: false, labels: ContainerLabels.prefixFilter(prefix))).count == 1)
            #expect(
                try await engine.listContainers(ContainerListOptions(labels: ["\(ContainerLabels.deployment)=other"], namePrefix: prefix)).map(\.name) == [
                    "\(prefix)-idle"
                ])

            let details = try await engine.inspectContainer("\(prefix)-web")
            #expect(details.id == id)
            #expect(details.state.running)
            #expect(details.config.env.contains("GREETING=hi"))
            #expect(details.ports["8080/tcp"]?.first?.hostPort == "\(port)")

            let stopStart = ContinuousClock.now
            try await engine.stopContainer(id, timeout: .seconds(5))
            print("[figures] stop with init: \(EngineFixture.milliseconds(ContinuousClock.now - stopStart)) ms")
            #expect(try await engine.inspectContainer(id).state.running == false)
            try await engine.stopContainer(id)  // already stopped: fine
            try await engine.restartContainer(id, timeout: .seconds(1))
            #expect(try await EngineFixture.httpGet(port: port) == "hello from coxswain\n")
            let exec = try await engine.exec(id, command: ["cat", "/www/index.html"])
            #expect(exec == ExecResult(exitCode: 0, stdout: "hello from coxswain\n", stderr: ""))
            #expect(try await engine.exec(id, command: ["sh", "-c", "echo bad >&2; exit 4"]) == ExecResult(exitCode: 4, stdout: "", stderr: "bad\n"))
            try await engine.killContainer(id)
            #expect(try await engine.waitContainer(id, timeout: .seconds(10)) == 137)
            try await engine.removeContainer(id)
            await #expect(throws: ContainerEngineError.notFound(kind: "container", name: id)) { try await engine.inspectContainer(id) }
        }
    }

    @Test("follow receives lines written after it started; plain logs and tail after exit")
    func logs() async throws {
        try await EngineFixture.withPrefix("logs") { engine, prefix in
            let image = try EngineFixture.demoImage()
            try await engine.pullImage(image, credentials: EngineFixture.credentials)
            var spec = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "ticker"))
            spec.labels = EngineFixture.labels(prefix: prefix)
            spec.command = ["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 1; done; echo done >&2"]
            let id = try await engine.createContainer(spec)
            try await engine.startContainer(id)
            let followStarted = ContinuousClock.now
            var received: [(ContainerLogChunk, Duration)] = []
            for try await chunk in engine.followLogs(id) {
                received.append((chunk, ContinuousClock.now - followStarted))
                if chunk.stream == .stderr { break }
            }
            let texts = received.map(\.0.text).joined()
            #expect(texts.contains("line1\n") && texts.contains("line2\n") && texts.contains("line3\n"))
            let third = try #require(received.first { $0.0.text.contains("line3") })
            #expect(third.1 > .milliseconds(500), "line3 is written ~2 s after start, so it arrived while following")
            #expect(received.last?.0 == ContainerLogChunk(stream: .stderr, text: "done\n"))

            #expect(try await engine.waitContainer(id, timeout: .seconds(10)) == 0)
            let all = try await engine.logs(id)
            #expect(all.filter { $0.stream == .stdout }.map(\.text) == ["line1\n", "line2\n", "line3\n"])
            #expect(all.filter { $0.stream == .stderr }.map(\.text) == ["done\n"])
            let tail = try await engine.logs(id, options: ContainerLogOptions(tail: 2))
            #expect(tail.map(\.text) == ["line3\n", "done\n"])
            #expect(try await engine.logs(id, options: ContainerLogOptions(stderr: false)).count == 3)
        }
    }

    @Test("a container exiting with code 3: wait returns 3")
    func exitCode() async throws {
        try await EngineFixture.withPrefix("exit") { engine, prefix in
            let image = try EngineFixture.demoImage()
            try await engine.pullImage(image, credentials: EngineFixture.credentials)
            var spec = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: "three"))
            spec.labels = EngineFixture.labels(prefix: prefix)
            spec.command = ["sh", "-c", "exit 3"]
            let id = try await engine.createContainer(spec)
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id, timeout: .seconds(10)) == 3)
            let details = try await engine.inspectContainer(id)
            #expect(details.state.exitCode == 3)
            #expect(details.state.status == "exited")
            await #expect(throws: ContainerEngineError.self) { try await engine.killContainer(id) }  // not running
        }
    }

    @Test("removing by prefix label removes exactly that prefix's containers")
    func removeByPrefix() async throws {
        let engine = EngineFixture.engine()
        let image = try EngineFixture.demoImage()
        try await engine.pullImage(image, credentials: EngineFixture.credentials)
        let mine = EngineFixture.uniquePrefix("rm")
        let other = EngineFixture.uniquePrefix("keep")
        defer { Task { [engine] in _ = try? await engine.removeContainers(labels: ContainerLabels.prefixFilter(other)) } }
        for (prefix, name) in [(mine, "a"), (mine, "b"), (other, "a")] {
            var spec = ContainerSpec(image: image.description, name: try ContainerNaming.containerName(prefix: prefix, name: name))
            spec.labels = EngineFixture.labels(prefix: prefix)
            spec.command = ["sleep", "30"]
            let id = try await engine.createContainer(spec)
            try await engine.startContainer(id)
        }
        let removed = try await engine.removeContainers(labels: ContainerLabels.prefixFilter(mine))
        #expect(Set(removed) == ["\(mine)-a", "\(mine)-b"])
        #expect(try await engine.listContainers(ContainerListOptions(namePrefix: mine)).isEmpty)
        #expect(try await engine.listContainers(ContainerListOptions(labels: ContainerLabels.prefixFilter(other))).count == 1)
        #expect(try await engine.removeContainers(labels: ContainerLabels.prefixFilter(other)) == ["\(other)-a"])
    }

    @Test("tag and push with credentials, then remove the tag; a missing image cannot be created")
    func tagPushRemove() async throws {
        let engine = EngineFixture.engine()
        let image = try EngineFixture.demoImage()
        try await engine.pullImage(image, credentials: EngineFixture.credentials)
        let target = try ImageReference(parsing: "\(EngineFixture.registry)/demo/\(EngineFixture.uniquePrefix("push")):1")
        try await engine.tagImage(image.description, as: target)
        try await engine.pushImage(target, credentials: EngineFixture.credentials)
        await #expect(throws: ContainerEngineError.self) {
            try await engine.pushImage(target, credentials: RegistryCredentials(username: "coxswain", password: "nope", serverAddress: EngineFixture.registry))
        }
        let removed = try await engine.removeImage(target.description)
        #expect(removed.contains(target.description))
        await #expect(throws: ContainerEngineError.self) { try await engine.createContainer(ContainerSpec(image: target.description)) }
    }

    @Test("networks and volumes are listed")
    func networksAndVolumes() async throws {
        let engine = EngineFixture.engine()
        #expect(try await !engine.listNetworks().isEmpty)
        _ = try await engine.listVolumes()
        _ = try await engine.pruneImages()
    }
}
