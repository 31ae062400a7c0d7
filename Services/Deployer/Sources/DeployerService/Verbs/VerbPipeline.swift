import CoxswainCore
import CoxswainCrypto
import CoxswainOrchestration
import CoxswainTemplating
import Foundation

/// The path every Directord verb takes on the node, whatever its family: options parsed with
/// Directord's grammar (`VerbParser`, the job's `vars:` winning), `--exec-help`, templates rendered
/// against the node's args, and the job cache: a job that succeeded here is skipped next time
/// unless `--skip-cache` or its verb is `.uncached`; its fingerprint covers the verb, its options
/// and its **rendered** inputs, so a changed value runs again. On success `--stdout-arg` and
/// `--stderr-arg` store the trimmed output as args.
struct VerbPipeline<Family: DirectordVerb>: VerbHandler {
    let family: Family
    let store: NodeStore
    let renderer = TemplateRenderer()
    /// Blueprint files keep their final newline (Jinja's `keep_trailing_newline`), as files should.
    let fileRenderer = TemplateRenderer(options: .init(keepTrailingNewline: true))

    init(_ family: Family, store: NodeStore) {
        self.family = family
        self.store = store
    }

    var verbs: [Verb] { Family.verbs }

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let call: VerbCall
        let options: JobOptions
        do {
            let vars = try task.varsJSON.map { try JSONDecoder().decode([String: YAMLValue].self, from: Data($0.utf8)) } ?? [:]
            (call, options) = try VerbParser.parse(verb: task.verb.rawValue, arguments: task.arguments, vars: vars, at: SourceLocation(file: "job", block: 1))
        } catch {
            return VerbOutcome(status: .failed, error: "\(error)")
        }
        if case .execHelp(let verb) = call { return VerbOutcome(status: .succeeded, exitCode: 0, stdout: VerbParser.help(verb: verb) + "\n") }
        let templates = NodeTemplates(store: store, name: task.verb.rawValue, renderer: renderer, fileRenderer: fileRenderer)
        let rendered: VerbCall
        let inputs: Family.Inputs
        do {
            rendered = try await family.render(call, with: templates)
            inputs = try await family.prepare(rendered, task: task, templates: templates, context: context)
        } catch let error as TemplateError {
            return VerbOutcome(status: .failed, error: "template: \(error)")
        } catch let failure as VerbFailure {
            return VerbOutcome(status: .failed, error: failure.description)
        }
        defer { inputs.cleanUp() }
        let fingerprint = Self.fingerprint(verb: task.verb, call: rendered, options: options, inputs: inputs.fingerprintInputs)
        let cacheable = !task.verb.traits.contains(.uncached)
        if cacheable, !options.skipCache, try await store.isCached(fingerprint) {
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "", error: nil, cached: fingerprint)
        }
        var outcome = try await family.perform(rendered, inputs: inputs, task: task, context: context)
        outcome.fingerprint = fingerprint
        if outcome.status == .succeeded {
            if let key = options.stdoutArg { try await store.setArg(key, .string(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) }
            if let key = options.stderrArg { try await store.setArg(key, .string(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))) }
            if cacheable { try await store.remember(fingerprint, verb: task.verb.rawValue) }
        }
        return outcome
    }

    /// The job cache's key: SHA-256 of the verb, the rendered call (JSON, sorted keys), the
    /// options that change what the job does and the extra inputs, separated by U+001F. Nodes
    /// keep these across upgrades: the text must not change, or every cached job runs again.
    static func fingerprint(verb: Verb, call: VerbCall, options: JobOptions, inputs: String?) -> String {
        let identity = String(decoding: (try? JSONEncoder.sortedKeys.encode(call)) ?? Data(), as: UTF8.self)
        return Digest.sha256Hex(verb.rawValue + "\u{1F}" + identity + "\u{1F}" + options.cacheIdentity + (inputs.map { "\u{1F}" + $0 } ?? ""))
    }
}

extension JSONEncoder {
    /// Sorted keys: stable text for fingerprints and answers.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JobOptions {
    /// The options that change what a job does (not how it is scheduled or cached).
    var cacheIdentity: String { "stdout=\(stdoutArg ?? "")|stderr=\(stderrArg ?? "")" }
}
