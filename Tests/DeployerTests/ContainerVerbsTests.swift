import CoxswainCore
import Foundation
import Synchronization
import Testing

@testable import DeployerService

/// Directord's container verbs on a node: their traits, CONTAINER_CONFIG_DATA feeding templates,
/// SECONTEXT without SELinux, and the clear errors of POD and CONTAINER_IMAGE without an engine.
/// (Against the real engine: `ContainerVerbsEngineTests` below, `PodTests` and the end-to-end
/// `ContainerVerbTests`.)
@Suite(.timeLimit(.minutes(1))) struct ContainerVerbsTests {
    typealias Node = VerbTableTests.Node

    @Test("traits: POD and CONTAINER_IMAGE are never cached; all four are plain steps any member may use")
    func traits() {
        #expect(Verb.pod.traits == .uncached)
        #expect(Verb.containerImage.traits == .uncached)
        #expect(Verb.secontext.traits == [])
        #expect(Verb.containerConfigData.traits == [])
        for verb in [Verb.pod, .containerImage, .secontext, .containerConfigData] {
            #expect(Verb.stepVerbs.contains(verb))
            #expect(Verb(parsing: verb.rawValue.lowercased()) == verb)
            #expect(verb.summary.hasPrefix(verb.rawValue + " "))
        }
    }

    /// A scratch folder of config files.
    func configFolder(_ node: Node, _ files: [String: String]) throws -> String {
        let folder = node.directory + "/configs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        return folder
    }

    @Test("CONTAINER_CONFIG_DATA caches the JSON configs as the arg 'configs'; a later template reads them")
    func configDataFeedsTemplates() async throws {
        let node = try Node()
        defer { node.remove() }
        let folder = try configFolder(
            node,
            [
                "web.json": #"{"image": "localhost/web:1", "environment": ["A=1"], "ports": {"http": 8080}}"#,
                "db.json": #"{"image": "localhost/db:2"}"#, "notes.txt": "not a config", ".hidden.json": "{not json",
            ])
        let loaded = try await node.run(.containerConfigData, "--config-path \(folder)")
        #expect(loaded.status == .succeeded, "\(loaded)")
        #expect(loaded.stdout.contains(#""db":{"image":"localhost/db:2"}"#), "\(loaded)")
        let echoed = try await node.run(.echo, "{{ configs.web.image }} {{ configs.db.image }} {{ configs.web.ports.http }}")
        #expect(echoed.stdout == "localhost/web:1 localhost/db:2 8080\n", "\(echoed)")
        #expect(try await node.store.args()["configs"] != nil)

        // The same files again: answered from the cache; a changed file runs again.
        #expect(try await node.run(.containerConfigData, "--config-path \(folder)").cached)
        try #"{"image": "localhost/db:3"}"#.write(toFile: folder + "/db.json", atomically: true, encoding: .utf8)
        let changed = try await node.run(.containerConfigData, "--config-path \(folder)")
        #expect(!changed.cached && changed.status == .succeeded)
        #expect(try await node.run(.echo, "{{ configs.db.image }}").stdout == "localhost/db:3\n")
    }

    @Test("CONTAINER_CONFIG_DATA merges overrides (maps merged, lists extended), reads one file or a pattern")
    func configDataOverridesAndPatterns() async throws {
        let node = try Node()
        defer { node.remove() }
        let folder = try configFolder(
            node, ["web.json": #"{"image": "w:1", "environment": ["A=1"], "limits": {"cpu": 1, "mem": "1g"}}"#, "db.json": #"{"image": "d:1"}"#])
        let merged = try await node.run(
            .containerConfigData,
            #"--config-path \#(folder) --debug --config-overrides '{"web": {"environment": ["B=2"], "limits": {"mem": "2g"}}, "cache": {"image": "c:1"}}'"#)
        #expect(merged.status == .succeeded, "\(merged)")
        #expect(merged.stderr.contains("read web from \(folder)/web.json"), "\(merged)")
        let echoed = try await node.run(
            .echo, "{{ configs.web.environment | join(',') }} {{ configs.web.limits.cpu }} {{ configs.web.limits.mem }} {{ configs.cache.image }}")
        #expect(echoed.stdout == "A=1,B=2 1 2g c:1\n", "\(echoed)")

        let pattern = try await node.run(.containerConfigData, "--config-path \(folder) --config-pattern 'd*.json'")
        #expect(pattern.stdout == #"{"db":{"image":"d:1"}}"# + "\n", "\(pattern)")
        let single = try await node.run(.containerConfigData, "--config-path \(folder)/web.json")
        #expect(single.status == .succeeded && single.stdout.hasPrefix(#"{"web":{"#), "\(single)")
    }

    @Test("CONTAINER_CONFIG_DATA: a missing path loads nothing and succeeds; a file that is not JSON fails naming it")
    func configDataMissingAndBad() async throws {
        let node = try Node()
        defer { node.remove() }
        let missing = try await node.run(.containerConfigData, "--config-path \(node.directory)/nowhere")
        #expect(missing.status == .succeeded && missing.stdout == "{}\n" && missing.stderr.contains("does not exist"), "\(missing)")
        #expect(try await node.store.args()["configs"] == nil)
        let folder = try configFolder(node, ["bad.json": "{\"image\": "])
        let bad = try await node.run(.containerConfigData, "--config-path \(folder)")
        #expect(bad.status == .failed && bad.error?.hasPrefix("CONTAINER_CONFIG_DATA: \(folder)/bad.json is not valid JSON") == true, "\(bad)")
        #expect(try await node.store.args()["configs"] == nil)
    }

    @Test("SECONTEXT on a node without SELinux fails saying so and runs nothing")
    func secontextWithoutSELinux() async throws {
        let node = try Node()
        defer { node.remove() }
        let verb = SEContextVerb(selinuxRoot: node.directory + "/no-selinux", semanage: node.directory + "/must-not-run")
        let outcome = try await VerbPipeline(verb, store: node.store).execute(
            TaskSpec(taskID: TaskID(), verb: .secontext, arguments: "--setype container_file_t /srv/data", timeoutSeconds: 10), context: node.context())
        #expect(outcome.status == .failed)
        #expect(outcome.error == "SECONTEXT: SELinux is not enabled on this node (no \(node.directory)/no-selinux); no file context was changed")
        // This machine's own answer, whatever it is, is never a crash.
        let real = try await node.run(.secontext, "--setype container_file_t /srv/data")
        if !FileManager.default.fileExists(atPath: "/sys/fs/selinux/enforce") {
            #expect(real.status == .failed && real.error?.contains("SELinux is not enabled on this node") == true, "\(real)")
        }
    }

    @Test("SECONTEXT runs semanage fcontext -a, modifies a rule that exists, and says when semanage is missing")
    func secontextCommands() async throws {
        let node = try Node()
        defer { node.remove() }
        let root = node.directory + "/selinux"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "1\n".write(toFile: root + "/enforce", atomically: true, encoding: .utf8)
        let log = node.directory + "/semanage.log"
        let fake = node.directory + "/semanage"
        // Refuses -a for /exists (as semanage does for a defined rule), records every call.
        try """
        #!/bin/sh
        echo "$*" >> \(log)
        case "$*" in *' -a '*'/exists') echo "ValueError: File context for /exists already defined" >&2; exit 1 ;; esac
        exit 0
        """.write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let verb = SEContextVerb(selinuxRoot: root, semanage: fake)
        func run(_ arguments: String) async throws -> VerbOutcome {
            try await VerbPipeline(verb, store: node.store).execute(
                TaskSpec(taskID: TaskID(), verb: .secontext, arguments: arguments, timeoutSeconds: 10), context: node.context())
        }
        let added = try await run("--setype container_file_t --ftype d '/srv/data(/.*)?'")
        #expect(added.status == .succeeded && added.stdout == "/srv/data(/.*)?\n", "\(added)")
        let modified = try await run("--setype httpd_sys_content_t --seuser system_u --selevel s0 --reload true /exists")
        #expect(modified.status == .succeeded, "\(modified)")
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(
            calls == [
                "fcontext -N -a -t container_file_t -f d -- /srv/data(/.*)?", "fcontext -a -t httpd_sys_content_t -s system_u -r s0 -- /exists",
                "fcontext -m -t httpd_sys_content_t -s system_u -r s0 -- /exists",
            ], "\(calls)")
        let missing = try await VerbPipeline(SEContextVerb(selinuxRoot: root, semanage: "coxswain-no-such-semanage"), store: node.store).execute(
            TaskSpec(taskID: TaskID(), verb: .secontext, arguments: "--setype t /x", timeoutSeconds: 10), context: node.context())
        #expect(missing.error == "SECONTEXT: semanage is not installed on this node (Debian and Fedora: policycoreutils-python-utils)", "\(missing)")
    }

    @Test("POD and CONTAINER_IMAGE without an engine fail with the reason; a rendered bad name never reaches an engine")
    func withoutEngine() async throws {
        let node = try Node()
        defer { node.remove() }
        let pod = try await node.run(.pod, "--inspect web")
        #expect(pod.status == .failed && pod.error == "POD: no container engine on this node: this agent has no container engine configured", "\(pod)")
        let image = try await node.run(.containerImage, "--list")
        #expect(image.error == "CONTAINER_IMAGE: no container engine on this node: this agent has no container engine configured", "\(image)")
        let socket = "/tmp/coxswain-no-engine-\(UUID().uuidString.prefix(8)).sock"
        let named = try await node.run(.pod, "--inspect web --socket-path \(socket)")
        #expect(named.status == .failed && named.error?.hasPrefix("POD: container engine unreachable at \(socket): no such socket file") == true, "\(named)")
        #expect(try await node.run(.arg, "pod_name '../containers/x'").status == .succeeded)
        let rendered = try await node.run(.pod, "--inspect {{ pod_name }} --socket-path \(socket)")
        #expect(rendered.error == "POD: '../containers/x' is not a pod name ([A-Za-z0-9][A-Za-z0-9_.-]*)", "\(rendered)")
        let badImage = try await node.run(.containerImage, "--pull Alpine:1 --socket-path \(socket)")
        #expect(badImage.status == .failed && badImage.error?.hasPrefix("CONTAINER_IMAGE: invalid image reference \"Alpine:1\"") == true, "\(badImage)")
        let bad = try await node.run(.pod, "--stop web --force")
        #expect(bad.error == "job (block 1): POD: --force only applies to --rm; see 'POD --exec-help'", "\(bad)")
    }
}

/// POD and CONTAINER_IMAGE through the node's verb table against the real Podman and registry of
/// `scripts/engine.sh` (the job names the engine with `--socket-path`; this agent has none of its own).
@Suite(.serialized, .enabled(if: EngineEnvironment.socket != nil, "needs COXSWAIN_ENGINE_SOCKET"), .timeLimit(.minutes(3)))
struct ContainerVerbsEngineTests {
    typealias Node = VerbTableTests.Node
    static let socket = EngineEnvironment.socket
    static let registry = EngineEnvironment.registry
    static let auth = EngineEnvironment.auth

    /// Runs a verb on `node` with the engine named, collecting the live output too.
    func run(_ node: Node, _ verb: Verb, _ arguments: String, secrets: [String: String] = [:]) async throws -> (VerbOutcome, [String]) {
        let lines = LockedLines()
        var context = node.context()
        context.emit = { _, text in lines.append(text) }
        let table = VerbHandlers.directord(store: node.store, trust: node.trust)
        let handler = try #require(table[verb])
        let task = TaskSpec(
            taskID: TaskID(), verb: verb, arguments: arguments + " --socket-path \(Self.socket ?? "")", environment: secrets, timeoutSeconds: 120)
        return (try await handler.execute(task, context: context), lines.all)
    }

    /// `curl` against the engine (set-up and cleanup only: the product's path is the verbs).
    /// Whether the engine answered with a success status.
    @discardableResult
    func engineCall(_ method: String, _ path: String, tarball: String? = nil) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            ["-sf", "-o", "/dev/null", "--unix-socket", Self.socket ?? "", "-X", method]
            + (tarball.map { ["-H", "Content-Type: application/x-tar", "--data-binary", "@" + $0] } ?? []) + ["http://d\(path)"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Imports a one-file image of our own as `name` (`POST /images/create?fromSrc=-`), so that no
    /// other test's image is tagged or untagged beside ours (Podman keeps an image's names in one list).
    func importScratchImage(_ name: String, in directory: String) throws {
        let root = directory + "/image-root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "\(name)\n".write(toFile: root + "/hello", atomically: true, encoding: .utf8)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", root, "-cf", directory + "/image.tar", "."]
        try tar.run()
        tar.waitUntilExit()
        // A new image has no name for a moment, and a dangling-image prune beside it (another
        // suite's) may remove it then: check that it is there, and import again if not.
        for _ in 0..<3 {
            engineCall("POST", "/v1.41/images/create?fromSrc=-&repo=\(name)", tarball: directory + "/image.tar")
            Thread.sleep(forTimeInterval: 0.3)
            if engineCall("GET", "/v1.41/images/\(name)/json") { return }
        }
        throw CocoaError(.fileWriteUnknown)
    }

    @Test("POD: play a Kubernetes YAML, inspect, exec-run, stop, start, kill, remove")
    func podLifecycle() async throws {
        let node = try Node()
        defer { node.remove() }
        let pod = "hp\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
        defer { engineCall("DELETE", "/v4.0.0/libpod/pods/\(pod)?force=true") }
        let file = node.directory + "/pod.yaml"
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
        let (played, _) = try await run(node, .pod, "--play \(file)")
        #expect(played.status == .succeeded && played.stdout.contains(#""Pods":[{"#), "\(played)")
        let (inspected, _) = try await run(node, .pod, "--inspect \(pod)")
        #expect(
            inspected.status == .succeeded && inspected.stdout.contains(#""Name":"\#(pod)""#) && inspected.stdout.contains(#""State":"Running""#),
            "\(inspected)")
        let (page, live) = try await run(node, .pod, "--exec-run \(pod)-web --command cat /www/index.html")
        #expect(page.status == .succeeded && page.stdout == "hello from coxswain\n" && live == ["hello from coxswain\n"], "\(page)")
        let (env, _) = try await run(node, .pod, "--exec-run \(pod)-web --env GREETING=hi,OTHER=x --command sh -c 'echo $GREETING $OTHER; exit 3'")
        #expect(env.status == .failed && env.exitCode == 3 && env.stdout == "hi x\n" && env.error == "exit code 3", "\(env)")
        let (stopped, _) = try await run(node, .pod, "--stop \(pod)")
        #expect(stopped.stdout == "pod \(pod) stopped\n", "\(stopped)")
        let (again, _) = try await run(node, .pod, "--stop \(pod)")
        #expect(again.status == .succeeded && again.stdout == "pod \(pod) is not running\n", "\(again)")
        let (killDown, _) = try await run(node, .pod, "--kill \(pod)")
        #expect(killDown.status == .failed && killDown.error?.contains("cannot kill a pod with no running containers") == true, "\(killDown)")
        let (started, _) = try await run(node, .pod, "--start \(pod)")
        #expect(started.stdout == "pod \(pod) started\n", "\(started)")
        let (killed, _) = try await run(node, .pod, "--kill \(pod) --kill-signal kill")
        #expect(killed.stdout == "pod \(pod) sent SIGKILL\n", "\(killed)")
        let (removed, _) = try await run(node, .pod, "--rm \(pod) --force")
        #expect(removed.status == .succeeded && removed.stdout.hasPrefix("pod \(pod) removed"), "\(removed)")
        let (gone, _) = try await run(node, .pod, "--inspect \(pod)")
        #expect(gone.status == .failed && gone.error == "POD: pod \(pod) not found in the container engine", "\(gone)")
        let (missingFile, _) = try await run(node, .pod, "--play \(node.directory)/none.yaml")
        #expect(missingFile.error == "POD: cannot read the pod file \(node.directory)/none.yaml on this node", "\(missingFile)")
    }

    @Test("CONTAINER_IMAGE: tag, push and pull with the task's registry credentials (progress streamed), inspect, list; anonymous is refused")
    func images() async throws {
        let node = try Node()
        defer { node.remove() }
        let prefix = "hp\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
        let remote = "\(Self.registry)/\(prefix)/demo:1"
        let source = "localhost/\(prefix)-src"
        try importScratchImage(source, in: node.directory)
        defer {
            for tag in [remote, "localhost/\(prefix):t", source + ":latest"] { engineCall("DELETE", "/v1.41/images/\(tag)") }
        }
        let secrets = ["COXSWAIN_REGISTRY_AUTH": Self.auth]
        let (tagged, _) = try await run(node, .containerImage, "--tag \(source) \(remote)")
        #expect(tagged.status == .succeeded && tagged.stdout == "tagged \(source) as \(remote)\n", "\(tagged)")
        let (anonymous, _) = try await run(node, .containerImage, "--push \(remote)")
        #expect(anonymous.status == .failed && anonymous.error?.contains("refused the credentials") == true, "\(anonymous)")
        let (pushed, pushLines) = try await run(node, .containerImage, "--push \(remote)", secrets: secrets)
        #expect(pushed.status == .succeeded && pushed.stdout == "pushed \(remote)\n", "\(pushed)")
        #expect(!pushLines.isEmpty)
        engineCall("DELETE", "/v1.41/images/\(remote)")
        let (pulled, pullLines) = try await run(node, .containerImage, "--pull \(remote)", secrets: secrets)
        #expect(pulled.status == .succeeded && pulled.stdout == "pulled \(remote)\n", "\(pulled)")
        #expect(!pullLines.isEmpty, "progress is streamed")
        let (libpod, _) = try await run(node, .containerImage, "--no-tlsverify --pull \(remote)", secrets: secrets)
        #expect(libpod.status == .succeeded, "\(libpod)")
        let (inspected, _) = try await run(node, .containerImage, "--inspect \(remote)")
        #expect(inspected.status == .succeeded && inspected.stdout.contains(#""RepoTags":["#) && inspected.stdout.contains(remote), "\(inspected)")
        #expect(try await run(node, .containerImage, "--tag \(remote) localhost/\(prefix):t").0.status == .succeeded)
        let (listed, _) = try await run(node, .containerImage, "--list")
        #expect(listed.status == .succeeded && listed.stdout.contains("localhost/\(prefix):t"), "\(listed)")
        let (missing, _) = try await run(node, .containerImage, "--inspect localhost/\(prefix):none")
        #expect(missing.error == "CONTAINER_IMAGE: image localhost/\(prefix):none not found in the container engine", "\(missing)")
    }
}

/// Output lines collected from a verb's `emit`.
final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// The engine and registry of `scripts/engine.sh` (`engine.env`), when the tests run with them.
enum EngineEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let socket = environment["COXSWAIN_ENGINE_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    static let registry = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
    /// `RegistryAuth` JSON for the registry (the task's secret `COXSWAIN_REGISTRY_AUTH`).
    static var auth: String {
        #"{"username":"\#(environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain")","password":"\#(environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")","serverAddress":"\#(registry)"}"#
    }
}
