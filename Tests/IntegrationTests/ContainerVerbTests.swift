import CoxswainContainerEngine
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Directord's container verbs end to end: the real CLI (`exec` and `orchestrate`) → Gateway →
/// Scheduler → a real Deployer → the real Podman and registry of `scripts/engine.sh`. node-a
/// drives the engine; every pod and image tag made here carries a random prefix and is removed.
extension PlatformTests {
    /// The first task of a job printed by `--wait --output json`: status, stdout, error.
    static func firstTask(_ result: CommandResult) -> (status: String, stdout: String, error: String) {
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
        let task = (object?["tasks"] as? [[String: Any]])?.first ?? [:]
        return (task["status"] as? String ?? "", task["stdout"] as? String ?? "", task["error"] as? String ?? "")
    }

    @Test(
        "container verbs: POD play/inspect/exec-run/stop/start/kill/rm, CONTAINER_IMAGE with registry credentials, SECONTEXT, CONTAINER_CONFIG_DATA into templates, in exec and orchestrate",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(5)))
    func containerVerbs() async throws {
        let environment = ProcessInfo.processInfo.environment
        let registry = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
        let auth =
            #"{"username":"\#(environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain")","password":"\#(environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")","serverAddress":"\#(registry)"}"#
        let engine = Self.engine()
        let prefix = "cv\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
        let pod = "\(prefix)-pod"
        let orchestrated = "\(prefix)-orch"
        let remote = "\(registry)/\(prefix)/demo:1"
        let source = "localhost/\(prefix)-src"
        try await TestPlatform.with(nodes: []) { p in
            try await p.enrolDeployer("node-a", extraArguments: ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"])
            try await p.waitForOnline(["node-a"])
            defer {
                Task {
                    for name in [pod, orchestrated] { _ = try? await engine.removePod(name, force: true) }
                    // Our tags only; the last one removes the scratch image.
                    for tag in [remote, "localhost/\(prefix):copy", source] { _ = try? await engine.removeImage(tag) }
                }
            }
            func job(_ verb: String, _ arguments: String, secret: Bool = false) async throws -> (CommandResult, (status: String, stdout: String, error: String))
            {
                var command = ["exec", "--verb", verb, "--target", "node-a", "--wait", "--output", "json"]
                if secret { command += ["--secret-env", "COXSWAIN_REGISTRY_AUTH"] }
                // After `--`, so a lone Directord option (`--list`) is the verb's argument, not the CLI's.
                command += ["--", arguments]
                let r = try await p.cli(command, extraEnvironment: secret ? ["COXSWAIN_REGISTRY_AUTH": auth] : [:], timeout: .seconds(120))
                return (r, Self.firstTask(r))
            }

            // 1. POD --play a Kubernetes YAML written on the node (a local process here), then the pod's life.
            // Two long-running containers: Podman 4's late exit-policy stop cannot undo its quick restart.
            let file = p.directory + "/pod.yaml"
            try """
            apiVersion: v1
            kind: Pod
            metadata:
              name: \(pod)
            spec:
              containers:
              - name: web
                image: localhost/coxswain-demo:1
                command: ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
              - name: sidecar
                image: localhost/coxswain-demo:1
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let playStarted = ContinuousClock.now
            let (played, play) = try await job("POD", "--play \(file)")
            print("[figures] POD --play through the CLI (submit to result): \(playStarted.duration(to: .now))")
            #expect(played.status == 0 && play.status == "succeeded" && play.stdout.contains(#""Pods":[{"#) && play.stdout.contains(#""ID":"#), "\(played)")
            let (_, inspect) = try await job("POD", "--inspect \(pod)")
            #expect(
                inspect.status == "succeeded" && inspect.stdout.contains(#""Name":"\#(pod)""#) && inspect.stdout.contains(#""State":"Running""#), "\(inspect)")
            let (_, page) = try await job("POD", "--exec-run \(pod)-web --command cat /www/index.html")
            #expect(page.status == "succeeded" && page.stdout == "hello from coxswain\n", "\(page)")
            let (_, stopped) = try await job("POD", "--stop \(pod)")
            #expect(stopped.status == "succeeded" && stopped.stdout == "pod \(pod) stopped\n", "\(stopped)")
            #expect(try await engine.inspectPod(pod).state != "Running")
            let (_, started) = try await job("POD", "--start \(pod)")
            #expect(started.stdout == "pod \(pod) started\n", "\(started)")
            let (_, killed) = try await job("POD", "--kill \(pod) --kill-signal TERM")
            #expect(killed.status == "succeeded" && killed.stdout == "pod \(pod) sent SIGTERM\n", "\(killed)")
            let (_, removed) = try await job("POD", "--rm \(pod) --force")
            #expect(removed.status == "succeeded" && removed.stdout.hasPrefix("pod \(pod) removed"), "\(removed)")
            #expect(try await !engine.listPods().contains { $0.name == pod })
            let (_, gone) = try await job("POD", "--inspect \(pod)")
            #expect(gone.status == "failed" && gone.error == "POD: pod \(pod) not found in the container engine", "\(gone)")

            // 2. Bad options are refused before anything is submitted; an engine that is not Podman is named.
            let jobs = try await p.sql("SELECT count(*) FROM jobs")
            let bad = try await p.cli(["exec", "--verb", "POD", "--stop \(pod) --force", "--wait"])
            #expect(bad.status == 2 && bad.stderr.contains("--force only applies to --rm"), "\(bad)")
            let badImage = try await p.cli(["exec", "--verb", "CONTAINER_IMAGE", "--tag only-one", "--wait"])
            #expect(badImage.status == 2 && badImage.stderr.contains("--tag needs exactly two images"), "\(badImage)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == jobs)
            try await FakeEngine.withDockerd { socket async throws in
                let (_, refused) = try await job("POD", "--inspect \(pod) --socket-path \(socket)")
                #expect(
                    refused.status == "failed"
                        && refused.error.hasPrefix("POD needs Podman's libpod API; the engine at \(socket) is docker 20.10.24, which does not serve it"),
                    "\(refused)")
                let (_, insecure) = try await job("CONTAINER_IMAGE", "--no-tlsverify --pull \(registry)/demo/httpd:1 --socket-path \(socket)")
                #expect(insecure.status == "failed" && insecure.error.hasPrefix("CONTAINER_IMAGE --no-tlsverify needs Podman's libpod API"), "\(insecure)")
            }

            // 3. CONTAINER_IMAGE: tag, push and pull with the registry credentials of --secret-env; anonymous is refused.
            // An image of our own (Podman keeps an image's names in one list: tagging the demo image
            // beside other tests could lose their names).
            try Self.importScratchImage(source, directory: p.directory)
            let (_, tagged) = try await job("CONTAINER_IMAGE", "--tag \(source) \(remote)")
            #expect(tagged.status == "succeeded" && tagged.stdout == "tagged \(source) as \(remote)\n", "\(tagged)")
            let (_, pushed) = try await job("CONTAINER_IMAGE", "--push \(remote)", secret: true)
            #expect(pushed.status == "succeeded" && pushed.stdout == "pushed \(remote)\n", "\(pushed)")
            try await engine.removeImage(remote)
            let (_, anonymous) = try await job("CONTAINER_IMAGE", "--pull \(remote)")
            #expect(anonymous.status == "failed" && anonymous.error.contains("registry \(registry) refused the credentials"), "\(anonymous)")
            let pullStarted = ContinuousClock.now
            let streamed = try await p.cli(
                ["exec", "--verb", "CONTAINER_IMAGE", "--pull \(remote)", "--target", "node-a", "--stream", "--secret-env", "COXSWAIN_REGISTRY_AUTH"],
                extraEnvironment: ["COXSWAIN_REGISTRY_AUTH": auth], timeout: .seconds(120))
            print("[figures] CONTAINER_IMAGE --pull of the demo image through the CLI (submit to result): \(pullStarted.duration(to: .now))")
            #expect(streamed.status == 0 && streamed.stdout.contains("node-a | "), "progress streamed: \(streamed)")
            #expect(try await engine.listImages().contains { $0.repoTags.contains(remote) })
            #expect(try await job("CONTAINER_IMAGE", "--tag \(remote) localhost/\(prefix):copy").1.status == "succeeded")
            let (listing, listed) = try await job("CONTAINER_IMAGE", "--list")
            #expect(listed.status == "succeeded" && listed.stdout.contains("localhost/\(prefix):copy") && listed.stdout.contains(remote), "\(listing)")
            let (_, inspected) = try await job("CONTAINER_IMAGE", "--inspect localhost/\(prefix):copy")
            #expect(inspected.status == "succeeded" && inspected.stdout.contains(#""RepoTags":["#) && inspected.stdout.contains(remote), "\(inspected)")
            // The password never reaches a log or an answer.
            let password = environment["COXSWAIN_REGISTRY_PASSWORD"] ?? ""
            if !password.isEmpty {
                for key in ["gateway", "scheduler-0", "deployer-node-a"] { #expect(!p.log(key, lines: 100_000).contains(password), "password in \(key)'s log") }
            }

            // 4. SECONTEXT on a node without SELinux: a clear failure, nothing changed.
            if !FileManager.default.fileExists(atPath: "/sys/fs/selinux/enforce") {
                let (secontext, rule) = try await job("SECONTEXT", "--setype container_file_t '/srv/\(prefix)(/.*)?'")
                #expect(secontext.status == 0 && rule.status == "failed", "\(secontext)")
                #expect(rule.error.hasPrefix("SECONTEXT: SELinux is not enabled on this node"), "\(rule)")
            }

            // 5. CONTAINER_CONFIG_DATA loads a folder of JSON configs into the args; a later RUN's template sees them.
            let configs = p.directory + "/configs"
            try FileManager.default.createDirectory(atPath: configs, withIntermediateDirectories: true)
            try #"{"image": "localhost/coxswain-demo:1", "port": 8080}"#.write(toFile: configs + "/web.json", atomically: true, encoding: .utf8)
            try #"{"image": "localhost/db:1"}"#.write(toFile: configs + "/db.json", atomically: true, encoding: .utf8)
            let (_, loaded) = try await job("CONTAINER_CONFIG_DATA", "--config-path \(configs)")
            #expect(loaded.status == "succeeded" && loaded.stdout.contains(#""web":{"image":"localhost/coxswain-demo:1","port":8080}"#), "\(loaded)")
            let (_, templated) = try await job("RUN", "echo {{ configs.web.image }} {{ configs.web.port }} {{ configs.db.image }}")
            #expect(templated.stdout == "localhost/coxswain-demo:1 8080 localhost/db:1\n", "\(templated)")

            // 6. The same verbs in an orchestration: configs → a pod YAML rendered by RUN → play → exec-run → images → remove.
            let site = p.directory + "/containers.yaml"
            let yaml = p.directory + "/orchestrated.yaml"
            try """
            - name: pods
              jobs:
              - CONTAINER_CONFIG_DATA: --config-path \(configs)
              - ARG: pod_name \(orchestrated)
              - RUN: >-
                  printf 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: %s\\nspec:\\n  containers:\\n  - name: web\\n    image: %s\\n'
                  '{{ pod_name }}' '{{ configs.web.image }}' > \(yaml)
              - POD: --play \(yaml)
              - POD: --exec-run {{ pod_name }}-web --command cat /www/index.html
                vars: {stdout_arg: page}
              - CONTAINER_IMAGE: --list
              - POD: --kill {{ pod_name }}
              - POD: --rm {{ pod_name }} --force
              - ECHO: "{{ page }}"
            """.write(toFile: site, atomically: true, encoding: .utf8)
            let run = try await p.cli(["orchestrate", site, "--target", "node-a", "--wait", "--check", "--output", "json"], timeout: .seconds(180))
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("hello from coxswain"), "\(run)")
            #expect(try await !engine.listPods().contains { $0.name == orchestrated })
        }
    }
}

extension PlatformTests {
    /// Imports a one-file image of the test's own as `name` through the engine (`POST /images/create?fromSrc=-`).
    static func importScratchImage(_ name: String, directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/image-root", withIntermediateDirectories: true)
        try "\(name)\n".write(toFile: directory + "/image-root/hello", atomically: true, encoding: .utf8)
        func run(_ executable: String, _ arguments: [String]) throws -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        let socket = engineSocket ?? ""
        guard try run("/bin/tar", ["-C", directory + "/image-root", "-cf", directory + "/image.tar", "."]) else { throw HarnessError("tar failed") }
        // A new image has no name for a moment, and a dangling-image prune beside it (another
        // suite's) may remove it then: check that it is there, and import again if not.
        for _ in 0..<3 {
            _ = try run(
                "/usr/bin/curl",
                [
                    "-sf", "-o", "/dev/null", "--unix-socket", socket, "-X", "POST", "-H", "Content-Type: application/x-tar", "--data-binary",
                    "@\(directory)/image.tar", "http://d/v1.41/images/create?fromSrc=-&repo=\(name)",
                ])
            Thread.sleep(forTimeInterval: 0.3)
            if try run("/usr/bin/curl", ["-sf", "-o", "/dev/null", "--unix-socket", socket, "http://d/v1.41/images/\(name)/json"]) { return }
        }
        throw HarnessError("could not import \(name)")
    }
}

/// A stand-in for dockerd on a UNIX socket: it answers every request with dockerd 20.10's
/// `/version` (`python3`), which is all a POD job asks before refusing it.
enum FakeEngine {
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
    static func withDockerd(_ body: (String) async throws -> Void) async throws {
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
