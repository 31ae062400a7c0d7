import CoxswainContainerEngine
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Podman pods through the libpod API against the real Podman of `scripts/engine.sh`: play kube of a
/// pod running the local demo image, then inspect, stop, start, kill and remove it; images that
/// need libpod (inspect, a pull that chooses TLS).
@Suite("Pods and libpod calls against real Podman", .enabled(if: EngineFixture.enabled), .timeLimit(.minutes(2)))
struct PodTests {
    /// A pod of a busybox httpd and a sidecar, both exiting at once on SIGTERM (so a stop is quick).
    /// Two long-running containers: Podman 4's late exit-policy stop cannot undo a quick restart
    /// of such a pod (see ``ContainerEngine/startPod(_:timeout:)``).
    static func podYAML(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
          labels:
            io.coxswain.test: "\(name)"
        spec:
          containers:
          - name: web
            image: localhost/coxswain-demo:1
            command: ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
          - name: sidecar
            image: localhost/coxswain-demo:1
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
        """
    }

    /// Runs `body` with a fresh pod name; afterwards the pod is force-removed, also when `body` throws.
    static func withPod(_ what: String, _ body: (ContainerEngine, String) async throws -> Void) async throws {
        let engine = EngineFixture.engine()
        let name = EngineFixture.uniquePrefix(what)
        do {
            try await body(engine, name)
        } catch {
            _ = try? await engine.removePod(name, force: true)
            throw error
        }
        do { try await engine.removePod(name, force: true) } catch ContainerEngineError.notFound {}
    }

    @Test("requireLibpod accepts Podman and reports its version")
    func libpodAvailable() async throws {
        let info = try await EngineFixture.engine().requireLibpod(for: "pods")
        #expect(info.kind == .podman)
    }

    @Test("play kube creates and starts the pod; inspect, stop, start, kill and remove it")
    func podLifecycle() async throws {
        try await Self.withPod("pod") { engine, name in
            let started = ContinuousClock.now
            let report = try await engine.playKube(Self.podYAML(name))
            let played = ContinuousClock.now - started
            print("[figures] play kube of one pod (busybox httpd): \(EngineFixture.milliseconds(played)) ms")
            #expect(report.pods.count == 1)
            let pod = try #require(report.pods.first)
            #expect(pod.containers.count == 2 && pod.containerErrors.isEmpty, "\(report)")

            let details = try await engine.inspectPod(name)
            #expect(details.id == pod.id && details.name == name && details.state == "Running", "\(details)")
            #expect(details.labels["io.coxswain.test"] == name)
            #expect(details.containers.contains { $0.name == "\(name)-web" && $0.state == "running" }, "\(details.containers)")
            #expect(try await engine.listPods().contains { $0.name == name && $0.status == "Running" })

            // The container of the pod answers an exec (the compat API, on the pod's container name).
            #expect(try await engine.exec("\(name)-web", command: ["cat", "/www/index.html"]).stdout == "hello from coxswain\n")

            let stopAt = ContinuousClock.now
            #expect(try await engine.stopPod(name) == .changed(id: pod.id))
            print("[figures] pod stop: \(EngineFixture.milliseconds(ContinuousClock.now - stopAt)) ms")
            #expect(try await engine.inspectPod(name).state != "Running")
            #expect(try await engine.stopPod(name) == .unchanged)
            await #expect(throws: ContainerEngineError.self) { try await engine.killPod(name) }

            #expect(try await engine.startPod(name) == .changed(id: pod.id))
            #expect(try await engine.inspectPod(name).state == "Running")
            #expect(try await engine.startPod(name) == .unchanged)

            #expect(try await engine.killPod(name, signal: "SIGKILL") == pod.id)
            #expect(try await engine.removePod(name) == pod.id)
            await #expect(throws: ContainerEngineError.notFound(kind: "pod", name: name)) { try await engine.inspectPod(name) }
            await #expect(throws: ContainerEngineError.notFound(kind: "pod", name: name)) { try await engine.removePod(name) }
        }
    }

    @Test("remove without force refuses a running pod; with force it goes")
    func forceRemove() async throws {
        try await Self.withPod("podrm") { engine, name in
            _ = try await engine.playKube(Self.podYAML(name))
            // Let the shell install its TERM trap: a PID 1 without one ignores SIGTERM, and the
            // 10 s stop would hold up Podman's work queue for every other test's pods.
            try await Task.sleep(for: .milliseconds(500))
            do {
                try await engine.removePod(name)
                Issue.record("a running pod was removed without force")
            } catch let error as ContainerEngineError {
                #expect(!error.description.isEmpty)
            }
            try await engine.removePod(name, force: true)
            #expect(try await !engine.listPods().contains { $0.name == name })
        }
    }

    @Test("a YAML Podman cannot play and a pod name in use are clear errors")
    func playErrors() async throws {
        try await Self.withPod("podbad") { engine, name in
            do {
                _ = try await engine.playKube("kind: Nope\n")
                Issue.record("an unsupported kind was played")
            } catch let error as ContainerEngineError {
                #expect(error.description.contains("does not contain any supported kube kind"), "\(error)")
            }
            _ = try await engine.playKube(Self.podYAML(name))
            do {
                _ = try await engine.playKube(Self.podYAML(name))
                Issue.record("the same pod was played twice")
            } catch let error as ContainerEngineError {
                #expect(error.description.contains("already exists") || error.description.contains("in use"), "\(error)")
            }
        }
    }

    @Test("image inspect, and a libpod pull that chooses TLS itself, with credentials")
    func libpodImages() async throws {
        let engine = EngineFixture.engine()
        let details = try await engine.inspectImage("localhost/coxswain-demo:1")
        #expect(details.repoTags.contains("localhost/coxswain-demo:1") && details.config.cmd == ["httpd", "-f", "-p", "8080", "-h", "/www"], "\(details)")
        #expect(details.config.exposedPorts == ["8080/tcp"])
        await #expect(throws: ContainerEngineError.notFound(kind: "image", name: "localhost/coxswain-none:1")) {
            try await engine.inspectImage("localhost/coxswain-none:1")
        }
        // An image of our own, so no other test's image is tagged or untagged beside ours.
        let prefix = EngineFixture.uniquePrefix("lp")
        let source = "localhost/\(prefix)-src"
        try ScratchImage.import(source, socket: EngineFixture.socketPath ?? "")
        let remote = try ImageReference(parsing: "\(EngineFixture.registry)/\(prefix)/demo:1")
        try await engine.tagImage(source, as: remote)
        defer { Task { for tag in [remote.description, source] { _ = try? await engine.removeImage(tag) } } }
        var pushed = 0
        for try await _ in engine.libpodPushProgress(remote, credentials: EngineFixture.credentials, tlsVerify: false) { pushed += 1 }
        try await engine.removeImage(remote.description)
        var lines: [String] = []
        for try await line in engine.libpodPullProgress(remote, credentials: EngineFixture.credentials, tlsVerify: false) {
            if let stream = line.stream { lines.append(stream) }
        }
        #expect(!lines.isEmpty)
        #expect(try await engine.listImages().contains { $0.repoTags.contains(remote.description) })
        await #expect(throws: ContainerEngineError.unauthorized(registry: EngineFixture.registry, image: remote.description)) {
            for try await _ in engine.libpodPullProgress(remote, tlsVerify: false) {}
        }
    }
}

/// The libpod refusal on an engine that is not Podman: a stand-in for dockerd answers `/version`
/// as dockerd 20.10 does (`python3` on a UNIX socket); nothing else is ever asked of it.
@Suite("libpod refusal on an engine that is not Podman", .timeLimit(.minutes(1)))
struct LibpodRefusalTests {
    @Test("requireLibpod names the socket, the engine and what needs libpod; not retriable")
    func refusal() async throws {
        try await FakeDockerd.with { socket async throws in
            let engine = EngineFixture.engine(socket: socket)
            #expect(try await engine.probe().kind == .docker)
            await #expect(throws: ContainerEngineError.libpodUnavailable(socket: socket, engine: "docker 20.10.24", feature: "POD")) {
                try await engine.requireLibpod(for: "POD")
            }
        }
        let error = ContainerEngineError.libpodUnavailable(socket: "/var/run/docker.sock", engine: "docker 20.10.24", feature: "POD")
        #expect(
            error.description
                == "POD needs Podman's libpod API; the engine at /var/run/docker.sock is docker 20.10.24, which does not serve it; run Podman (podman system service) on this node or point the job at Podman's socket"
        )
        #expect(!error.isRetriable)
    }
}

/// A stand-in for dockerd on a UNIX socket that answers every request with dockerd 20.10's `/version`.
enum FakeDockerd {
    static let script = #"""
        import http.server, socketserver, sys
        BODY = b'{"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"20.10.24"}],"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}'
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY)
            do_GET = do_POST = do_DELETE = answer
            def log_message(self, *args):
                pass
        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True
            def get_request(self):
                request, _ = super().get_request()
                return request, ("local", 0)
        Server(sys.argv[1], Handler).serve_forever()
        """#

    /// Runs `body` with the socket of a fresh stand-in; stops it (by its PID) afterwards.
    static func with(_ body: (String) async throws -> Void) async throws {
        let socket = NSTemporaryDirectory() + "coxswain-fake-dockerd-\(UUID().uuidString.prefix(8)).sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, socket]
        try process.run()
        defer {
            // SIGKILL: the test process may hand its children a blocked SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: socket)
        }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(20)) }
        try await body(socket)
    }
}

/// A one-file image of a test's own, imported through the engine (`POST /images/create?fromSrc=-`):
/// Podman keeps an image's names in one list, so tests that tag and untag the same image beside
/// each other can lose one another's names.
enum ScratchImage {
    static func `import`(_ name: String, socket: String) throws {
        let directory = NSTemporaryDirectory() + "coxswain-scratch-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/root", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "\(name)\n".write(toFile: directory + "/root/hello", atomically: true, encoding: .utf8)
        try run("/bin/tar", ["-C", directory + "/root", "-cf", directory + "/image.tar", "."])
        // A new image has no name for a moment, and a dangling-image prune beside it (another
        // suite's) may remove it then: check that it is there, and import again if not.
        for _ in 0..<3 {
            try run(
                "/usr/bin/curl",
                [
                    "-sf", "-o", "/dev/null", "--unix-socket", socket, "-X", "POST", "-H", "Content-Type: application/x-tar", "--data-binary",
                    "@\(directory)/image.tar", "http://d/v1.41/images/create?fromSrc=-&repo=\(name)",
                ])
            Thread.sleep(forTimeInterval: 0.3)
            if (try? run("/usr/bin/curl", ["-sf", "-o", "/dev/null", "--unix-socket", socket, "http://d/v1.41/images/\(name)/json"])) != nil { return }
        }
        throw CocoaError(.fileWriteUnknown)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
