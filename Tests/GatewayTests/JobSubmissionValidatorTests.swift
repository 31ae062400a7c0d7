import CoxswainCore
import Foundation
import Testing

@testable import GatewayService

@Suite("Job submission validator")
struct JobSubmissionValidatorTests {
    let validator = JobSubmissionValidator()

    func validate(_ request: SubmitJobRequest, role: Role = .member) throws(HTTPResponseError) -> JobSubmissionValidator.Validated {
        try validator.validate(request, role: role, team: "ops")
    }

    /// The refusal of `request`, or nil when it passes.
    func refusal(_ request: SubmitJobRequest, role: Role = .member) -> HTTPResponseError? {
        do {
            _ = try validate(request, role: role)
            return nil
        } catch {
            return error
        }
    }

    func job(_ verb: String, _ arguments: String = "", steps: [JobStep]? = nil, batch: String? = nil) -> SubmitJobRequest {
        var request = SubmitJobRequest(verb: verb, arguments: arguments)
        request.steps = steps
        request.batch = batch
        return request
    }

    @Test("the verb traits say what the Gateway's own lists used to say")
    func traits() {
        #expect(Set(Verb.allCases.filter { $0.traits.contains(.stepOnly) }) == [.add, .copy, .query, .queryWait, .jobWait, .queueSentinel, .reboot])
        #expect(Verb.allCases.filter { $0.traits.contains(.waitsForNodes) } == [.query, .queryWait, .jobWait])
        #expect(Verb.allCases.filter { $0.traits.contains(.needsArtifacts) } == [.add, .copy])
        #expect(Verb.allCases.filter { $0.traits.contains(.adminOnly) } == [.rekey])
        #expect(Verb.stepVerbs == Verb.allCases.filter { $0 != .rekey && $0 != .container && $0 != .deploy })
    }

    @Test("CONTAINER is never a job: its routes check the role per action")
    func containerRefused() {
        let request = SubmitJobRequest(verb: "CONTAINER", arguments: #"{"action":"remove","prefix":"web"}"#)
        #expect(throws: HTTPResponseError.self) { try JobSubmissionValidator().validate(request, role: .owner, team: "default") }
    }

    @Test("a plain RUN passes unchanged, with the default timeout")
    func plainRun() throws {
        let validated = try validate(SubmitJobRequest(verb: "run", arguments: "echo hi", targets: ["web-1"]))
        #expect(validated.verb == .run)
        #expect(validated.request.steps == nil)
        #expect(validated.timeoutSeconds == SubmitJobRequest.defaultTimeoutSeconds)
        #expect(validated.targets == ["web-1"])
        #expect(validated.artifacts.isEmpty)
    }

    @Test("an unknown verb is unknown_verb (400) and lists the known ones")
    func unknownVerb() {
        let error = refusal(job("FLY", "away"))
        #expect(error?.code == "unknown_verb")
        #expect(error?.status == .badRequest)
        #expect(error?.reason.contains("known verbs: RUN, ECHO") == true)
    }

    @Test("REKEY needs the admin role: refused for a member, accepted for an admin, never turned into a step")
    func rekey() throws {
        let refused = refusal(job("REKEY"), role: .member)
        #expect(refused?.code == "forbidden")
        #expect(refused?.status == .forbidden)
        #expect(refused?.reason == "REKEY needs the admin role in team ops")
        let validated = try validate(job("REKEY"), role: .admin)
        #expect(validated.verb == .rekey)
        #expect(validated.request.steps == nil)
        #expect(try validate(job("REKEY"), role: .owner).verb == .rekey)
    }

    @Test("RUN needs a command")
    func runNeedsCommand() {
        #expect(refusal(job("RUN", "  \n ")) == HTTPResponseError(.missingArguments, "RUN needs a command"))
    }

    @Test("a bad option is invalid_arguments")
    func badOption() {
        let error = refusal(job("SERVICE", "--bogus nginx"))
        #expect(error?.code == "invalid_arguments")
        #expect(error?.status == .badRequest)
    }

    @Test("--run-once makes the job a single step that runs once")
    func runOnce() throws {
        let validated = try validate(job("RUN", "--run-once echo hi"))
        #expect(validated.request.steps == [JobStep(verb: "RUN", arguments: "--run-once echo hi", runOnce: true)])
    }

    @Test("a step-only verb travels as one step", arguments: Verb.allCases.filter { $0.traits.contains(.stepOnly) && !$0.traits.contains(.needsArtifacts) })
    func stepOnly(verb: Verb) throws {
        let arguments =
            switch verb {
            case .query: "hostname"
            case .queryWait: "hostname"
            case .jobWait: "abc --identity web-1"
            default: ""
            }
        let validated = try validate(job(verb.rawValue, arguments))
        #expect(validated.request.steps == [JobStep(verb: verb.rawValue, arguments: arguments)])
    }

    @Test("a verb that is not step-only stays a single-verb job")
    func notStepOnly() throws {
        #expect(try validate(job("ECHO", "hi")).request.steps == nil)
    }

    @Test("steps: an unknown verb and REKEY are unknown_verb, naming the step and the step verbs")
    func stepVerbs() {
        let rekey = refusal(job("RUN", "true", steps: [JobStep(verb: "RUN", arguments: "true"), JobStep(verb: "REKEY", arguments: "")]))
        #expect(rekey?.code == "unknown_verb")
        #expect(rekey?.reason.hasPrefix("step 2: unknown verb 'REKEY'; known verbs: ") == true)
        #expect(rekey?.reason.contains("REKEY, ") == false)
        #expect(rekey?.reason.hasSuffix(Verb.stepVerbs.map(\.rawValue).joined(separator: ", ")) == true)
        #expect(refusal(job("RUN", "true", steps: [JobStep(verb: "nope", arguments: "")]))?.code == "unknown_verb")
    }

    @Test("steps: a bad option is invalid_arguments naming the step; --run-once is marked on the step")
    func stepOptions() throws {
        let error = refusal(job("RUN", "true", steps: [JobStep(verb: "SERVICE", arguments: "--bogus x")]))
        #expect(error?.code == "invalid_arguments")
        #expect(error?.reason.hasPrefix("step 1: ") == true)
        let validated = try validate(job("RUN", "true", steps: [JobStep(verb: "RUN", arguments: "true"), JobStep(verb: "RUN", arguments: "--run-once date")]))
        #expect(validated.request.steps?.map(\.runOnce) == [nil, true])
    }

    @Test("ADD and COPY need artifacts; the ones named are returned for the existence check")
    func artifacts() throws {
        let missing = refusal(job("RUN", "true", steps: [JobStep(verb: "COPY", arguments: "a.txt /tmp/")]))
        #expect(missing?.code == "missing_artifacts")
        #expect(missing?.reason == "step 1: COPY needs its files uploaded as artifacts (the coxswain CLI does this)")
        var add = JobStep(verb: "ADD", arguments: "a.txt /tmp/")
        let file = ArtifactRef(name: "a.txt", digest: String(repeating: "a", count: 64), size: 3)
        add.artifacts = [file]
        let validated = try validate(job("RUN", "true", steps: [JobStep(verb: "RUN", arguments: "true"), add]))
        #expect(validated.artifacts == [JobSubmissionValidator.StepArtifact(step: 2, file: file)])
    }

    @Test("an invalid assign name is invalid_target")
    func assign() {
        let step = JobStep(verb: "RUN", arguments: "true", assign: ["Bad Name!"])
        #expect(refusal(job("RUN", "true", steps: [step]))?.code == "invalid_target")
    }

    @Test("batch: a count or a percentage, and never with verbs that wait for nodes")
    func batch() throws {
        #expect(refusal(job("RUN", "true", batch: "lots"))?.code == "invalid_batch")
        #expect(refusal(job("RUN", "true", batch: "0"))?.code == "invalid_batch")
        #expect(try validate(job("RUN", "true", batch: "25%")).request.batch == "25%")
        let waiting = refusal(job("RUN", "true", steps: [JobStep(verb: "QUERY", arguments: "hostname")], batch: "10"))
        #expect(
            waiting
                == HTTPResponseError(.invalidBatch, "--batch cannot be combined with QUERY, QUERY_WAIT or JOB_WAIT (they wait for nodes the batch holds back)"))
    }

    @Test("arguments above the limit are payload_too_large (413)")
    func argumentSize() {
        let error = refusal(job("ECHO", String(repeating: "x", count: SubmitJobRequest.maximumArgumentBytes + 1)))
        #expect(error?.code == "payload_too_large")
        #expect(error?.status == .contentTooLarge)
    }

    @Test("timeouts must be in (0, 7 days]", arguments: [0, -1, SubmitJobRequest.maximumTimeoutSeconds + 1])
    func timeout(seconds: Double) {
        #expect(refusal(SubmitJobRequest(verb: "ECHO", arguments: "x", timeoutSeconds: seconds))?.code == "invalid_timeout")
    }

    @Test("target names must be node names")
    func targets() {
        let error = refusal(SubmitJobRequest(verb: "ECHO", arguments: "x", targets: ["ok", "NOT OK"]))
        #expect(error?.code == "invalid_target")
        #expect(error?.reason.contains("NOT OK") == true)
    }

    @Test("secret names must be environment variable names")
    func secrets() throws {
        let error = refusal(SubmitJobRequest(verb: "ECHO", arguments: "x", secretEnvironment: ["1BAD": "v"]))
        #expect(error == HTTPResponseError(.invalidSecretName, "'1BAD' is not an environment variable name"))
        #expect(try validate(SubmitJobRequest(verb: "ECHO", arguments: "x", secretEnvironment: ["API_KEY": "v"])).secrets == ["API_KEY": "v"])
    }

    @Test("the verb is checked before anything else, and the role before the command")
    func precedence() {
        var request = SubmitJobRequest(verb: "FLY", arguments: "", targets: ["NOT OK"], timeoutSeconds: -1)
        #expect(refusal(request)?.code == "unknown_verb")
        request.verb = "REKEY"
        #expect(refusal(request)?.code == "forbidden")
        request.verb = "RUN"
        #expect(refusal(request)?.code == "missing_arguments")
        request.arguments = "true"
        #expect(refusal(request)?.code == "invalid_timeout")
    }
}
