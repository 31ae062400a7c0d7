import CoxswainCore
import CoxswainOrchestration

/// One family of Directord verbs, run through the shared `VerbPipeline`: the pipeline parses the
/// task with Directord's grammar, asks the family to render its templated fields and to prepare
/// its extra inputs, fingerprints the job and consults the job cache; the family only performs
/// the call. A new verb is a family (or a case in one), its `Verb` traits and its tests.
protocol DirectordVerb: Sendable {
    /// What a job prepares before the cache is consulted, which its fingerprint covers too
    /// (ADD/COPY: the files' destinations, modes and digests). Most families have none.
    associatedtype Inputs: VerbInputs = NoInputs

    /// The verbs this family implements.
    static var verbs: [Verb] { get }

    /// The call with its templated fields rendered against the node's args. The job's
    /// fingerprint covers the rendered call, so a changed value runs again. Default: nothing is
    /// templated.
    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall

    /// Prepares the job's extra inputs. A `TemplateError` fails the job as a template error, a
    /// `VerbFailure` with its message.
    func prepare(_ call: VerbCall, task: TaskSpec, templates: NodeTemplates, context: VerbContext) async throws -> Inputs

    /// Does what the (rendered) call says; runs only when the cache does not answer the job.
    func perform(_ call: VerbCall, inputs: Inputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome
}

extension DirectordVerb {
    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall { call }
}

extension DirectordVerb where Inputs == NoInputs {
    func prepare(_ call: VerbCall, task: TaskSpec, templates: NodeTemplates, context: VerbContext) async throws -> NoInputs { NoInputs() }
}

/// Extra inputs of a job, prepared before the cache check (see `DirectordVerb.Inputs`).
protocol VerbInputs {
    /// Text added to the job's fingerprint; `nil` adds nothing.
    var fingerprintInputs: String? { get }
    /// Removes what preparing left behind (scratch files); called once the job is done.
    func cleanUp()
}

/// No extra inputs: the fingerprint is the verb, its rendered call and its options.
struct NoInputs: VerbInputs {
    var fingerprintInputs: String? { nil }
    func cleanUp() {}
}

/// Fails a job with `message` from `DirectordVerb.prepare` (before the cache is consulted).
struct VerbFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
