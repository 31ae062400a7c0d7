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
        Step(verb: .echo, arguments: "{{ out }} and {{ name }}"),
        Step(verb: .echo, arguments: "{{ out }} and {{ name }}"),
        Step(verb: .workdir, arguments: "--chmod 0750 \(root)/work/{{ name }}"),
        Step(verb: .workdir, arguments: "--chmod 0750 \(root)/work/{{ name }}"),
        Step(verb: .cachefile, arguments: "\(root)/vars.yaml"),
        Step(verb: .cachefile, arguments: "\(root)/missing.yaml"),
        Step(verb: .wait, arguments: "--seconds 0"),
        Step(verb: .wait, arguments: "--cmd 'test -d \(root)/work/{{ name }}' --retry 0"),
        Step(verb: .wait, arguments: "--cmd false --retry 1 --retry-wait 0"),
        Step(verb: .wait, arguments: ""),
        Step(verb: .service, arguments: "nginx"),
        Step(verb: .query, arguments: "name"),
        Step(verb: .query, arguments: "nothing"),
        Step(verb: .queryWait, arguments: "name --query-timeout 0"),
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
    ]

    /// What each step answered, one line each.
    static let expected: [String] = []

    static func line(_ step: Step, _ outcome: VerbOutcome) -> String {
        func q(_ s: String?) -> String { s.map { "\"" + $0.replacingOccurrences(of: "\n", with: "\\n") + "\"" } ?? "nil" }
        let helpless = step.arguments == "--exec-help" ? "\(outcome.stdout.count) chars" : q(outcome.stdout)
        return "\(step.verb.rawValue) \(step.arguments) => \(outcome.status.rawValue) exit=\(outcome.exitCode.map(String.init) ?? "nil") "
            + "out=\(helpless) err=\(q(outcome.stderr)) error=\(q(outcome.error)) fp=\(outcome.fingerprint ?? "nil") cached=\(outcome.cached) query=\(q(outcome.queryValue))"
    }

    /// Runs every step on a fresh node store; `handlers` makes the verb table for that store.
    static func answers(_ handlers: @escaping (NodeStore, TrustStore) -> (TaskSpec, VerbContext) async throws -> VerbOutcome) async throws -> [String] {
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root + "/dest", withIntermediateDirectories: true)
        try "port: 8080\nhosts: [a, b]\n".write(toFile: root + "/vars.yaml", atomically: true, encoding: .utf8)
        // The ADD destination already holds the content: nothing is fetched (this agent knows no Gateway).
        try artifactContent.write(toFile: root + "/dest/app.conf", atomically: true, encoding: .utf8)
        let state = root + "/state"
        let store = try NodeStore(journal: try TaskJournal(directory: state))
        let trust = TrustStore(
            identity: try NodeIdentity.load(directory: state),
            credentials: EnrolResponse(node: "golden", teamID: "team", amqpURL: "amqp://localhost", queue: "q", controlPlaneKeys: []), directory: state
        )
        let execute = handlers(store, trust)
        var lines: [String] = []
        for step in steps {
            var task = TaskSpec(taskID: TaskID(), verb: step.verb, arguments: step.arguments, environment: [:], timeoutSeconds: 30)
            task.varsJSON = step.varsJSON
            task.artifacts = step.artifacts
            let context = VerbContext(
                emit: { _, _ in }, environment: ["PATH": "/usr/bin:/bin"], outputLimit: 1 << 20, taskID: task.taskID, artifacts: nil,
                rebootCommand: "true", batchIssuedAt: Date()
            )
            print("STEP", step.verb.rawValue, step.arguments)
            lines.append(line(step, try await execute(task, context)))
        }
        return lines
    }

    @Test("every verb answers as before the split, with the same fingerprints")
    func answersAsBefore() async throws {
        defer { try? FileManager.default.removeItem(atPath: Self.root) }
        let legacy = try await Self.answers { store, _ in LegacyNodeVerb(store: store).execute }
        let lines = try await Self.answers { store, trust in
            let table = VerbHandlers.directord(store: store, trust: trust)
            return { task, context in try await table[task.verb]!.execute(task, context: context) }
        }
        if lines != Self.expected {
            print(lines.map { "        " + String(reflecting: $0) + "," }.joined(separator: "\n"))
        }
        #expect(lines == legacy)
        #expect(lines == Self.expected)
    }
}
