// swift-format-ignore-file: the pinned answers are long lines on purpose (one per step).

import CoxswainCore
import CoxswainCrypto
import Foundation
import Testing

@testable import DeployerService

/// The node's verbs against a real node store, step by step, compared with what the agent
/// answered before the verb table was split into one handler per family: outputs, errors and
/// cache fingerprints byte for byte (a job cached before an upgrade must stay cached after it).
@Suite(.serialized, .timeLimit(.minutes(2))) struct VerbGoldenTests {
    /// Fixed paths: WORKDIR, CACHEFILE and ADD put their paths into fingerprints.
    static let root = "/tmp/coxswain-deployer-golden"

    struct Step {
        var verb: Verb
        var arguments: String
        var varsJSON: String? = nil
        var artifacts: [ArtifactRef]? = nil
    }

    static let artifactContent = "golden artifact\n"
    static let artifact = ArtifactRef(name: "files/app.conf", digest: Digest.sha256Hex(artifactContent), size: 16, mode: 0o640)

    static let steps: [Step] = [
        Step(verb: .run, arguments: "echo hi"),
        Step(verb: .run, arguments: "echo hi"),
        Step(verb: .run, arguments: "--skip-cache echo hi"),
        Step(verb: .arg, arguments: "name world"),
        Step(verb: .arg, arguments: "name world"),
        Step(verb: .arg, arguments: "--extend-args list [1, 2]"),
        Step(verb: .arg, arguments: "greeting 'hello {{ name }}'"),
        Step(verb: .run, arguments: "echo {{ greeting }}"),
        Step(verb: .run, arguments: "echo {{ missing }}"),
        Step(verb: .env, arguments: "GOLDEN_FOO bar"),
        Step(verb: .run, arguments: "echo $GOLDEN_FOO"),
        Step(verb: .run, arguments: "--stdout-arg out echo captured"),
        Step(verb: .run, arguments: "--stderr-arg errtext echo oops >&2"),
        Step(verb: .run, arguments: "echo {{ errtext }}", varsJSON: #"{"stdout_arg": "again"}"#),
        Step(verb: .run, arguments: "--no-block sleep 0"),
        Step(verb: .env, arguments: "--extend-args GOLDEN_FOO {{ name }}"),
        Step(verb: .echo, arguments: "{{ out }} and {{ name }}"),
        Step(verb: .echo, arguments: "{{ out }} and {{ name }}"),
        Step(verb: .workdir, arguments: "--chmod 0750 \(root)/work/{{ name }}"),
        Step(verb: .workdir, arguments: "--chmod 0750 \(root)/work/{{ name }}"),
        Step(verb: .cachefile, arguments: "\(root)/vars.yaml"),
        Step(verb: .cachefile, arguments: "\(root)/missing.yaml"),
        Step(verb: .wait, arguments: "--seconds 0"),
        Step(verb: .wait, arguments: "--retry 0 --cmd test -d \(root)/work/{{ name }}"),
        Step(verb: .wait, arguments: "--retry 1 --retry-wait 0.1 --cmd false"),
        Step(verb: .wait, arguments: ""),
        Step(verb: .wait, arguments: "--retry 0 --url file://\(root)/{{ name }}.yaml"),
        Step(verb: .wait, arguments: "--retry 0 --insecure --url file://\(root)/vars.yaml"),
        Step(verb: .service, arguments: "nginx"),
        Step(verb: .service, arguments: "--restarted --enable --daemon-reload nginx 'my unit'"),
        Step(verb: .query, arguments: "name"),
        Step(verb: .query, arguments: "nothing"),
        Step(verb: .queryWait, arguments: "name --query-timeout 0"),
        Step(verb: .queryWait, arguments: "name --query-timeout 0.1"),
        Step(verb: .arg, arguments: "query {web-1: {name: x}, web-2: {other: y}}"),
        Step(verb: .queryWait, arguments: "name --query-timeout 5"),
        Step(verb: .queryWait, arguments: "name --query-timeout 0.1 --identity web-1 --identity web-2"),
        Step(verb: .jobWait, arguments: "abc --identity web-1 --identity web-2"),
        Step(verb: .reboot, arguments: "0"),
        Step(verb: .run, arguments: "--exec-help"),
        Step(verb: .run, arguments: "exit 3"),
        Step(verb: .run, arguments: "echo vars", varsJSON: #"{"skip_cache": true}"#),
        Step(verb: .add, arguments: "files/app.conf \(root)/dest/app.conf", artifacts: [artifact]),
        Step(verb: .add, arguments: "files/app.conf \(root)/dest/app.conf", artifacts: [artifact]),
        Step(verb: .copy, arguments: "--chmod 0600 files/app.conf \(root)/dest/", artifacts: [artifact]),
        Step(verb: .add, arguments: "files/app.conf \(root)/dest/app.conf"),
        Step(verb: .add, arguments: "--chmod 99 files/app.conf \(root)/dest/app.conf", artifacts: [artifact]),
        Step(verb: .cacheevict, arguments: "jobs"),
        Step(verb: .run, arguments: "echo hi"),
        Step(verb: .cacheevict, arguments: "args"),
        Step(verb: .echo, arguments: "{{ name }}"),
        Step(verb: .containerConfigData, arguments: "--config-path \(root)/configs"),
        Step(verb: .containerConfigData, arguments: "--config-path \(root)/configs"),
        Step(verb: .echo, arguments: "{{ configs.web.image }}"),
        Step(verb: .containerConfigData, arguments: "--config-path \(root)/nowhere"),
        Step(verb: .containerConfigData, arguments: "--config-path \(root)/configs", varsJSON: #"{"config_overrides": {"web": {"image": "w:2"}}}"#),
        Step(verb: .pod, arguments: "--inspect web"),
        Step(verb: .pod, arguments: "--stop web --force"),
        Step(verb: .containerImage, arguments: "--list"),
        Step(verb: .containerImage, arguments: "--tag a"),
        Step(verb: .secontext, arguments: "--setype t --ftype x /srv"),
    ]

    /// What each step answered, one line each, as pinned from the agent before the split.
    static let expected: [String] = [
        "RUN echo hi => succeeded exit=0 out=\"hi\\n\" err=\"\" error=nil fp=b283278c420cc6fefda9df49d2e7c46f8588cb36b64b50a3c1ad9e9cab4941e5 cached=false query=nil",
        "RUN echo hi => succeeded exit=0 out=\"\" err=\"\" error=nil fp=b283278c420cc6fefda9df49d2e7c46f8588cb36b64b50a3c1ad9e9cab4941e5 cached=true query=nil",
        "RUN --skip-cache echo hi => succeeded exit=0 out=\"hi\\n\" err=\"\" error=nil fp=b283278c420cc6fefda9df49d2e7c46f8588cb36b64b50a3c1ad9e9cab4941e5 cached=false query=nil",
        "ARG name world => succeeded exit=0 out=\"name set\\n\" err=\"\" error=nil fp=d245d73670e51edc968735343353cfe2897a17a053cc86b5f7b4cd43b4b7a1ba cached=false query=nil",
        "ARG name world => succeeded exit=0 out=\"\" err=\"\" error=nil fp=d245d73670e51edc968735343353cfe2897a17a053cc86b5f7b4cd43b4b7a1ba cached=true query=nil",
        "ARG --extend-args list [1, 2] => succeeded exit=0 out=\"list set\\n\" err=\"\" error=nil fp=5043aca3fd5a0df7d42c2e5f084622bc2a88ca7f01b29949e06abd930af6d936 cached=false query=nil",
        "ARG greeting \'hello {{ name }}\' => succeeded exit=0 out=\"greeting set\\n\" err=\"\" error=nil fp=6b683e9b147d747ccc6670a7da06c6691d17fb1166e8e79e60ddcbbf210150c5 cached=false query=nil",
        "RUN echo {{ greeting }} => succeeded exit=0 out=\"hello world\\n\" err=\"\" error=nil fp=2db8ef9dc0322420cd6f57c27f790dc1b64a6350ea9593a493da30b80fa24356 cached=false query=nil",
        "RUN echo {{ missing }} => failed exit=nil out=\"\" err=\"\" error=\"template: template \'RUN\' line 1: \'missing\' is undefined; define it (an argument, a query result or a catalog variable) or guard it in the template with \'| default(...)\' or \'is defined\'\" fp=nil cached=false query=nil",
        "ENV GOLDEN_FOO bar => succeeded exit=0 out=\"GOLDEN_FOO set\\n\" err=\"\" error=nil fp=14bc8fd448d82f72408e2e07802e4271b0aa2a5c8b8a3b789a5fecbc32fe3be2 cached=false query=nil",
        "RUN echo $GOLDEN_FOO => succeeded exit=0 out=\"bar\\n\" err=\"\" error=nil fp=f414a3ee12eae9b9be791bec2dec44d928f797657d2281676c06de22ffed9c43 cached=false query=nil",
        "RUN --stdout-arg out echo captured => succeeded exit=0 out=\"captured\\n\" err=\"\" error=nil fp=bbc20327ed65791e0c5f72ea769c980cde876752b6526c0a1b8c5b9718dafe90 cached=false query=nil",
        "RUN --stderr-arg errtext echo oops >&2 => succeeded exit=0 out=\"\" err=\"oops\\n\" error=nil fp=158d6080a641a119e683bcc8816f2c309a50e2bb281e75360d5e2363d4033eb0 cached=false query=nil",
        "RUN echo {{ errtext }} => succeeded exit=0 out=\"oops\\n\" err=\"\" error=nil fp=b5141a344f9c378cc2cd32011e11a50dfdae238b47a0b7977c3c20ac1a9732dc cached=false query=nil",
        "RUN --no-block sleep 0 => succeeded exit=0 out=\"\" err=\"\" error=nil fp=80b4353319f6e9213e4137c511d465fb10c0dcd712fa7f5563bff0b433342ac3 cached=false query=nil",
        "ENV --extend-args GOLDEN_FOO {{ name }} => succeeded exit=0 out=\"GOLDEN_FOO set\\n\" err=\"\" error=nil fp=34459359cd514e799a7365cdf51569d598cb69bc4d541567e633e6104dd47c99 cached=false query=nil",
        "ECHO {{ out }} and {{ name }} => succeeded exit=0 out=\"captured and world\\n\" err=\"\" error=nil fp=7bf025b147b163f951c1cda3c94b5d0b9b1f85903d82e079ed1a784e157ec9a9 cached=false query=nil",
        "ECHO {{ out }} and {{ name }} => succeeded exit=0 out=\"captured and world\\n\" err=\"\" error=nil fp=7bf025b147b163f951c1cda3c94b5d0b9b1f85903d82e079ed1a784e157ec9a9 cached=false query=nil",
        "WORKDIR --chmod 0750 /tmp/coxswain-deployer-golden/work/{{ name }} => succeeded exit=0 out=\"/tmp/coxswain-deployer-golden/work/world\\n\" err=\"\" error=nil fp=9a39b5de27e7234b0f5fe9886e19f41094d951f19eb64f33852fbf7343d9f46c cached=false query=nil",
        "WORKDIR --chmod 0750 /tmp/coxswain-deployer-golden/work/{{ name }} => succeeded exit=0 out=\"\" err=\"\" error=nil fp=9a39b5de27e7234b0f5fe9886e19f41094d951f19eb64f33852fbf7343d9f46c cached=true query=nil",
        "CACHEFILE /tmp/coxswain-deployer-golden/vars.yaml => succeeded exit=0 out=\"2 args from /tmp/coxswain-deployer-golden/vars.yaml\\n\" err=\"\" error=nil fp=fe4a60f9e2a2f061efb690d9377e44e541c3389a4eee9de543e1733c5911a37f cached=false query=nil",
        "CACHEFILE /tmp/coxswain-deployer-golden/missing.yaml => failed exit=nil out=\"\" err=\"\" error=\"cannot read /tmp/coxswain-deployer-golden/missing.yaml\" fp=af1483347724df2abb1f0ebe4535bf6646a8f141a847628c988c58f0936393ca cached=false query=nil",
        "WAIT --seconds 0 => succeeded exit=0 out=\"waited 0.0 s\\n\" err=\"\" error=nil fp=a82ef5a2cda2b16195fbff5e1bbd438c4aac8fcfac388f81acac0ce781a9336e cached=false query=nil",
        "WAIT --retry 0 --cmd test -d /tmp/coxswain-deployer-golden/work/{{ name }} => succeeded exit=0 out=\"\" err=\"\" error=nil fp=ece606ffb8f7b2a823dd13b41bdf4a00ba534afe19f3abd7b96526ec5e03bfad cached=false query=nil",
        "WAIT --retry 1 --retry-wait 0.1 --cmd false => failed exit=1 out=\"\" err=\"\" error=\"exit code 1\" fp=1b7f474646e5dc13ad7a7fd8b958d3d5aa98c7db5035dbfff68a312b0c6b700c cached=false query=nil",
        "WAIT  => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): WAIT: needs exactly one of --seconds N, --url URL, --cmd CMD; see \'WAIT --exec-help\'\" fp=nil cached=false query=nil",
        "WAIT --retry 0 --url file:///tmp/coxswain-deployer-golden/{{ name }}.yaml => succeeded exit=0 out=\"file:///tmp/coxswain-deployer-golden/world.yaml answered\\n\" err=\"\" error=nil fp=529de57d8e27c3e56661df7b96a87d5efc7258c83df6d0c4541f6e870c6672d0 cached=false query=nil",
        "WAIT --retry 0 --insecure --url file:///tmp/coxswain-deployer-golden/vars.yaml => succeeded exit=0 out=\"file:///tmp/coxswain-deployer-golden/vars.yaml answered\\n\" err=\"\" error=nil fp=1b475ff6b75d10a0b91233919cff2ab6a07f3545f92a2e49e66654ef243c39d3 cached=false query=nil",
        "SERVICE nginx => failed exit=nil out=\"\" err=\"\" error=\"SERVICE needs systemd, and this node does not run it (no /run/systemd/system)\" fp=d4e9683f05ace0a96242c64e5eddeba14469c127192d130320600a22942690ca cached=false query=nil",
        "SERVICE --restarted --enable --daemon-reload nginx \'my unit\' => failed exit=nil out=\"\" err=\"\" error=\"SERVICE needs systemd, and this node does not run it (no /run/systemd/system)\" fp=20f8e40fa73f57edf250d6860e605558bd62e28d65f03400f3ec347cfddccc83 cached=false query=nil",
        "QUERY name => succeeded exit=0 out=\"name = \"world\"\\n\" err=\"\" error=nil fp=a59a4ad0370fd922ec1cb0337bd1d5318e9af8a91d2ab2e71a01b21858a3551e cached=false query=\"\"world\"\"",
        "QUERY nothing => succeeded exit=0 out=\"nothing = null\\n\" err=\"\" error=nil fp=7587cc395adda7b1e1be8e360adeab0151c2369ec97af896a034e0be28eca644 cached=false query=\"null\"",
        "QUERY_WAIT name --query-timeout 0 => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): QUERY_WAIT: --query-timeout must be more than 0 seconds, got 0; see \'QUERY_WAIT --exec-help\'\" fp=nil cached=false query=nil",
        "QUERY_WAIT name --query-timeout 0.1 => failed exit=nil out=\"\" err=\"\" error=\"QUERY_WAIT name: not in the query cache within 0.1 seconds \" fp=2d3ff4cb3471d3f6230ef79c5d67b5ad6975dcdbc0854d067140cd9a5b4b18cc cached=false query=nil",
        "ARG query {web-1: {name: x}, web-2: {other: y}} => succeeded exit=0 out=\"query set\\n\" err=\"\" error=nil fp=89841c0eb442bb65d21b17a4bfccd8deff923471e6a63e1f61b673b8921158e5 cached=false query=nil",
        "QUERY_WAIT name --query-timeout 5 => succeeded exit=0 out=\"name present for web-1\\n\" err=\"\" error=nil fp=50652fd4ac42505ab670b027e1d5a13a1620c9f3e9d115eb50437450e734e912 cached=false query=nil",
        "QUERY_WAIT name --query-timeout 0.1 --identity web-1 --identity web-2 => failed exit=nil out=\"\" err=\"\" error=\"QUERY_WAIT name: not in the query cache of web-1, web-2 within 0.1 seconds \" fp=eaf1e82899f4f0b82e548965a3dd46148f62cf39edd1ea1af7164f617a009615 cached=false query=nil",
        "JOB_WAIT abc --identity web-1 --identity web-2 => succeeded exit=0 out=\"job abc finished on web-1, web-2\\n\" err=\"\" error=nil fp=f3e98c14d6051f0e2aa95f8a1049eb82213aad3bf2439aedcb258568dfa58887 cached=false query=nil",
        "REBOOT 0 => succeeded exit=0 out=\"rebooting in 0 s; queued work waits for the node\'s next heartbeat\\n\" err=\"\" error=nil fp=cc3f74b5b6418cadc58dec1d16441e68235351b796f7cbede3e334c0257e542b cached=false query=nil",
        "RUN --exec-help => succeeded exit=0 out=help err=\"\" error=nil fp=nil cached=false query=nil",
        "RUN exit 3 => failed exit=3 out=\"\" err=\"\" error=\"exit code 3\" fp=0efdc65c5b30ca579c712ea7cbcb9fbb36b141d5b5d37271bbfc0a26ef187344 cached=false query=nil",
        "RUN echo vars => succeeded exit=0 out=\"vars\\n\" err=\"\" error=nil fp=f9a0bcf7a74178a26cb284b80eba2b6a4042c21d901178196cf5ea169beefbf0 cached=false query=nil",
        "ADD files/app.conf /tmp/coxswain-deployer-golden/dest/app.conf => succeeded exit=0 out=\"/tmp/coxswain-deployer-golden/dest/app.conf unchanged\\n\" err=\"\" error=nil fp=052cf0996e796ae49e126f9931fd143afdc0f673fcf5a2d14872619d396f0e12 cached=false query=nil",
        "ADD files/app.conf /tmp/coxswain-deployer-golden/dest/app.conf => succeeded exit=0 out=\"\" err=\"\" error=nil fp=052cf0996e796ae49e126f9931fd143afdc0f673fcf5a2d14872619d396f0e12 cached=true query=nil",
        "COPY --chmod 0600 files/app.conf /tmp/coxswain-deployer-golden/dest/ => succeeded exit=0 out=\"/tmp/coxswain-deployer-golden/dest/app.conf unchanged\\n\" err=\"\" error=nil fp=8b8076fc7bfdc3ce349e067b6e7a05baad4148d024a9419e1f2593f6248bd64a cached=false query=nil",
        "ADD files/app.conf /tmp/coxswain-deployer-golden/dest/app.conf => failed exit=nil out=\"\" err=\"\" error=\"ADD: no files came with the job (submit it with the coxswain CLI)\" fp=nil cached=false query=nil",
        "ADD --chmod 99 files/app.conf /tmp/coxswain-deployer-golden/dest/app.conf => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): ADD: --chmod \'99\' is not an octal mode such as 0644; see \'ADD --exec-help\'\" fp=nil cached=false query=nil",
        "CACHEEVICT jobs => succeeded exit=0 out=\"evicted jobs\\n\" err=\"\" error=nil fp=48d4ac34e599834cc5a162419b9e54eaa86564cd6ab80fee7c346ea123d4b08b cached=false query=nil",
        "RUN echo hi => succeeded exit=0 out=\"hi\\n\" err=\"\" error=nil fp=b283278c420cc6fefda9df49d2e7c46f8588cb36b64b50a3c1ad9e9cab4941e5 cached=false query=nil",
        "CACHEEVICT args => succeeded exit=0 out=\"evicted args\\n\" err=\"\" error=nil fp=9d13b7ca5df9a8f0ca380609118854da209ec5a99fc06ccc3031c90cd0b4368d cached=false query=nil",
        "ECHO {{ name }} => failed exit=nil out=\"\" err=\"\" error=\"template: template \'ECHO\' line 1: \'name\' is undefined; define it (an argument, a query result or a catalog variable) or guard it in the template with \'| default(...)\' or \'is defined\'\" fp=nil cached=false query=nil",
        "CONTAINER_CONFIG_DATA --config-path /tmp/coxswain-deployer-golden/configs => succeeded exit=0 out=\"{\"web\":{\"image\":\"w:1\",\"ports\":[8080]}}\\n\" err=\"\" error=nil fp=c89f4fcc831ddb33d344110cc773868964d4366b2eb3e4a68e5b69b9c6e78af3 cached=false query=nil",
        "CONTAINER_CONFIG_DATA --config-path /tmp/coxswain-deployer-golden/configs => succeeded exit=0 out=\"\" err=\"\" error=nil fp=c89f4fcc831ddb33d344110cc773868964d4366b2eb3e4a68e5b69b9c6e78af3 cached=true query=nil",
        "ECHO {{ configs.web.image }} => succeeded exit=0 out=\"w:1\\n\" err=\"\" error=nil fp=c6ec1540ad4e19234ee15c9da0b9e3bace2e590bb8c1cf223a16d831b7a6d579 cached=false query=nil",
        "CONTAINER_CONFIG_DATA --config-path /tmp/coxswain-deployer-golden/nowhere => succeeded exit=0 out=\"{}\\n\" err=\"/tmp/coxswain-deployer-golden/nowhere does not exist; no configs loaded\\n\" error=nil fp=19f31dce1f451b8cefce24163c4c295977e75ef808acd88e3ccedd47e3621a5b cached=false query=nil",
        "CONTAINER_CONFIG_DATA --config-path /tmp/coxswain-deployer-golden/configs => succeeded exit=0 out=\"{\"web\":{\"image\":\"w:2\",\"ports\":[8080]}}\\n\" err=\"\" error=nil fp=b2c9a9357e841151a5861d042c013455b0692b1ac7478fb95266833537a006ea cached=false query=nil",
        "POD --inspect web => failed exit=nil out=\"\" err=\"\" error=\"POD: no container engine on this node: this agent has no container engine configured\" fp=7dc40524a06522655af9f19ce29cf4ac320fa1a729a9e75e1ca28627a3dcfd23 cached=false query=nil",
        "POD --stop web --force => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): POD: --force only applies to --rm; see \'POD --exec-help\'\" fp=nil cached=false query=nil",
        "CONTAINER_IMAGE --list => failed exit=nil out=\"\" err=\"\" error=\"CONTAINER_IMAGE: no container engine on this node: this agent has no container engine configured\" fp=767de410e10a708cf4170c434a76aecef277650deff91227d132396560410158 cached=false query=nil",
        "CONTAINER_IMAGE --tag a => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): CONTAINER_IMAGE: --tag needs exactly two images, IMAGE and NEW, got 1; see \'CONTAINER_IMAGE --exec-help\'\" fp=nil cached=false query=nil",
        "SECONTEXT --setype t --ftype x /srv => failed exit=nil out=\"\" err=\"\" error=\"job (block 1): SECONTEXT: --ftype \'x\' is not a file type; choose one of a, b, c, d, f, l, p, s; see \'SECONTEXT --exec-help\'\" fp=nil cached=false query=nil",
    ]

    static func line(_ step: Step, _ outcome: VerbOutcome) -> String {
        func q(_ s: String?) -> String { s.map { "\"" + $0.replacingOccurrences(of: "\n", with: "\\n") + "\"" } ?? "nil" }
        // The help text is the parser's (CoxswainOrchestration), not the node's.
        let helpless = step.arguments == "--exec-help" ? (outcome.stdout.isEmpty ? "none" : "help") : q(outcome.stdout)
        return "\(step.verb.rawValue) \(step.arguments) => \(outcome.status.rawValue) exit=\(outcome.exitCode.map(String.init) ?? "nil") "
            + "out=\(helpless) err=\(q(outcome.stderr)) error=\(q(outcome.error)) fp=\(outcome.fingerprint ?? "nil") cached=\(outcome.cached) query=\(q(outcome.queryValue))"
    }

    /// Runs every step through the verb table on a fresh node store.
    static func answers() async throws -> [String] {
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root + "/dest", withIntermediateDirectories: true)
        try "port: 8080\nhosts: [a, b]\n".write(toFile: root + "/vars.yaml", atomically: true, encoding: .utf8)
        try "answer: 42\n".write(toFile: root + "/world.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/configs", withIntermediateDirectories: true)
        try #"{"image": "w:1", "ports": [8080]}"#.write(toFile: root + "/configs/web.json", atomically: true, encoding: .utf8)
        // The ADD destination already holds the content: nothing is fetched (this agent knows no Gateway).
        try artifactContent.write(toFile: root + "/dest/app.conf", atomically: true, encoding: .utf8)
        let state = root + "/state"
        let store = try NodeStore(journal: try TaskJournal(directory: state))
        let trust = TrustStore(
            identity: try NodeIdentity.load(directory: state),
            credentials: EnrolResponse(node: "golden", teamID: "team", amqpURL: "amqp://localhost", queue: "q", controlPlaneKeys: []), directory: state
        )
        let table = VerbHandlers.directord(store: store, trust: trust)
        var lines: [String] = []
        for step in steps {
            var task = TaskSpec(taskID: TaskID(), verb: step.verb, arguments: step.arguments, environment: [:], timeoutSeconds: 30)
            task.varsJSON = step.varsJSON
            task.artifacts = step.artifacts
            let context = VerbContext(
                emit: { _, _ in }, environment: ["PATH": "/usr/bin:/bin"], outputLimit: 1 << 20, taskID: task.taskID, artifacts: nil,
                rebootCommand: "true", batchIssuedAt: Date()
            )
            let handler = try #require(table[step.verb])
            lines.append(line(step, try await handler.execute(task, context: context)))
        }
        return lines
    }

    @Test("every verb answers as before the split, with the same fingerprints")
    func answersAsBefore() async throws {
        defer { try? FileManager.default.removeItem(atPath: Self.root) }
        let lines = try await Self.answers()
        if lines != Self.expected {
            print(lines.map { "        " + String(reflecting: $0) + "," }.joined(separator: "\n"))
        }
        #expect(lines == Self.expected)
    }
}
