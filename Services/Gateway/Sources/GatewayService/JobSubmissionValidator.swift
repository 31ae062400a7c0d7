import CoxswainCore
import CoxswainOrchestration
import Foundation

/// The checks of `POST /v1/jobs` that need nothing but the request and the submitter's role:
/// pure, so every refusal is unit-tested. What needs the database (artifacts uploaded, the `after`
/// job, label selection, known targets) is checked by `JobsController` afterwards.
///
/// It also puts the request in the form the Scheduler expects: a verb the Scheduler coordinates
/// (`VerbTraits.stepOnly`) or one given `--run-once` travels as a one-step job, and a step's
/// `--run-once` is marked on the step.
package struct JobSubmissionValidator: Sendable {
    package init() {}

    /// A submission that passed the checks.
    package struct Validated: Sendable, Equatable {
        package var verb: Verb
        /// The request with its steps normalised (see the type's summary).
        package var request: SubmitJobRequest
        /// `timeoutSeconds`, or the default.
        package var timeoutSeconds: Double
        /// The named targets as sent (names, globs, comma lists; resolved later).
        package var targets: [String]
        /// The targeting fields parsed: names, globs, label and fact selectors.
        package var selector: TargetSelector
        /// The secret environment (valid names).
        package var secrets: [String: String]
        /// The files the steps name, to be found among the team's artifacts.
        package var artifacts: [StepArtifact]
    }

    /// A file of a step (`step` counts from 1, as in the refusals).
    package struct StepArtifact: Sendable, Equatable {
        package var step: Int
        package var file: ArtifactRef
    }

    /// Checks `request` for a submitter with `role` in the team named `team`.
    ///
    /// Refusals, in this order: `unknown_verb`; `forbidden` (an admin-only verb below admin);
    /// `missing_arguments` (RUN without a command); `invalid_arguments` (Directord's option
    /// grammar); per step `unknown_verb`, `invalid_arguments`, `missing_artifacts`, `invalid_target`
    /// (an `assign` name); `invalid_batch` (also `batchWaitSeconds` out of 0…3600, or it or
    /// `batchFailFast` without `batch`); `payload_too_large` (arguments); `invalid_timeout`;
    /// `invalid_target` (a malformed name, glob or selector: field, entry and position);
    /// `invalid_secret_name`.
    package func validate(_ request: SubmitJobRequest, role: Role, team: String) throws(HTTPResponseError) -> Validated {
        var submission = request
        guard let verb = Verb(parsing: submission.verb) else {
            throw HTTPResponseError(
                .unknownVerb,
                "unknown verb '\(submission.verb)'; known verbs: \(Verb.allCases.filter { !$0.traits.contains(.operationOnly) }.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if verb.traits.contains(.operationOnly) {
            // Its own routes check the role each action needs; a job would bypass that.
            throw HTTPResponseError(
                .unknownVerb, "\(verb.rawValue) is not submitted as a job: use the container commands (coxswain container …, coxswain image …)")
        }
        if verb.traits.contains(.adminOnly), role < .admin {
            throw .forbidden("\(verb.rawValue) needs the admin role in team \(team)")
        }
        if verb == .run, submission.arguments.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw HTTPResponseError(.missingArguments, "RUN needs a command")
        }
        if !verb.traits.contains(.notAStep), submission.steps == nil {
            // Directord's option grammar, checked here so a bad option is a 400 and nothing runs.
            do {
                let (_, options) = try VerbParser.parse(verb: verb.rawValue, arguments: submission.arguments, at: SourceLocation(file: "request", block: 1))
                if options.runOnce { submission.steps = [JobStep(verb: verb.rawValue, arguments: submission.arguments, runOnce: true)] }
            } catch {
                throw HTTPResponseError(.invalidArguments, "\(error)")
            }
        }
        if submission.steps == nil, verb.traits.contains(.stepOnly) {
            // Verbs the Scheduler coordinates (gates, artifacts, drops) always travel as steps.
            submission.steps = [JobStep(verb: verb.rawValue, arguments: submission.arguments)]
        }
        var artifacts: [StepArtifact] = []
        for (i, step) in (submission.steps ?? []).enumerated() {
            guard let stepVerb = Verb(parsing: step.verb), Verb.stepVerbs.contains(stepVerb) else {
                throw HTTPResponseError(
                    .unknownVerb, "step \(i + 1): unknown verb '\(step.verb)'; known verbs: \(Verb.stepVerbs.map(\.rawValue).joined(separator: ", "))"
                )
            }
            do {
                let vars = try step.varsJSON.map { try JSONDecoder().decode([String: YAMLValue].self, from: Data($0.utf8)) } ?? [:]
                let (_, options) = try VerbParser.parse(
                    verb: stepVerb.rawValue, arguments: step.arguments, vars: vars, at: SourceLocation(file: "request", block: 1, job: i + 1))
                if options.runOnce { submission.steps?[i].runOnce = true }
            } catch {
                throw HTTPResponseError(.invalidArguments, "step \(i + 1): \(error)")
            }
            if stepVerb.traits.contains(.needsArtifacts) {
                guard let files = step.artifacts, !files.isEmpty else {
                    throw HTTPResponseError(
                        .missingArtifacts, "step \(i + 1): \(stepVerb.rawValue) needs its files uploaded as artifacts (the coxswain CLI does this)"
                    )
                }
                artifacts += files.map { StepArtifact(step: i + 1, file: $0) }
            }
            if let bad = (step.assign ?? []).first(where: { !NodeName.isValid($0) }) {
                throw HTTPResponseError(.invalidTarget, NodeNameError(name: bad).description)
            }
        }
        if let batch = submission.batch, SubmitJobRequest.batchWindow(batch, nodes: 100) == nil {
            throw HTTPResponseError(.invalidBatch, "batch is a number of nodes (10) or a percentage (25%)")
        }
        if let wait = submission.batchWaitSeconds, !(wait >= 0 && wait <= SubmitJobRequest.maximumBatchWaitSeconds) {
            throw HTTPResponseError(.invalidBatch, "batchWaitSeconds must be in [0, \(Int(SubmitJobRequest.maximumBatchWaitSeconds))]")
        }
        if submission.batch == nil, submission.batchWaitSeconds != nil || submission.batchFailFast == true {
            throw HTTPResponseError(
                .invalidBatch, "\(submission.batchWaitSeconds != nil ? "batchWaitSeconds" : "batchFailFast") needs batch (a number of nodes or a percentage)")
        }
        if submission.batch != nil, (submission.steps ?? []).contains(where: { Verb(parsing: $0.verb)?.traits.contains(.waitsForNodes) == true }) {
            // A QUERY waits for every node, which a batch window holds back: that would never finish.
            throw HTTPResponseError(.invalidBatch, "--batch cannot be combined with \(Self.waitingVerbs) (they wait for nodes the batch holds back)")
        }
        if submission.arguments.utf8.count > SubmitJobRequest.maximumArgumentBytes {
            throw HTTPResponseError(.payloadTooLarge, "arguments exceed \(SubmitJobRequest.maximumArgumentBytes) bytes")
        }
        let timeout = submission.timeoutSeconds ?? SubmitJobRequest.defaultTimeoutSeconds
        guard timeout > 0, timeout <= SubmitJobRequest.maximumTimeoutSeconds else {
            throw HTTPResponseError(.invalidTimeout, "timeoutSeconds must be in (0, \(Int(SubmitJobRequest.maximumTimeoutSeconds))]")
        }
        let targets = submission.targets ?? []
        let selector: TargetSelector
        do { selector = try submission.targetSelector() } catch { throw HTTPResponseError(.invalidTarget, error.description) }
        let secrets = submission.secretEnvironment ?? [:]
        if let bad = secrets.keys.first(where: { !SubmitJobRequest.isEnvironmentName($0) }) {
            throw HTTPResponseError(.invalidSecretName, "'\(bad)' is not an environment variable name")
        }
        return Validated(verb: verb, request: submission, timeoutSeconds: timeout, targets: targets, selector: selector, secrets: secrets, artifacts: artifacts)
    }

    /// The verbs that wait for other nodes, as a list in words: "QUERY, QUERY_WAIT or JOB_WAIT".
    static var waitingVerbs: String {
        let names = Verb.allCases.filter { $0.traits.contains(.waitsForNodes) }.map(\.rawValue)
        guard names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}
