import CoxswainCore
import CoxswainOrchestration
import CoxswainTemplating
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `CONTAINER_CONFIG_DATA` (Directord's container_config_data component, from TripleO): reads the
/// JSON container configs under `--config-path` (the files of a directory matching
/// `--config-pattern`, or one file), keyed by file name without extension, merges
/// `--config-overrides` over them and caches the result as the arg `configs`, so later templates
/// read `{{ configs.web.image }}`. The files are read before the cache is consulted and their
/// content is part of the fingerprint: a changed config runs again. A path that does not exist
/// loads nothing and succeeds, as in Directord.
struct ContainerConfigDataVerb: DirectordVerb {
    static let verbs: [Verb] = [.containerConfigData]
    let store: NodeStore
    /// Largest config file read.
    static let maximumFileBytes = 16 << 20

    /// The configs read for one job.
    struct Inputs: VerbInputs {
        /// The merged configs, or `nil` when the path does not exist.
        var configs: YAMLValue?
        /// `name ← file` for each file read, for `--debug`.
        var read: [String]
        var fingerprintInputs: String? { configs.map { Self.jsonText($0) } ?? "missing" }
        func cleanUp() {}

        static func jsonText(_ value: YAMLValue) -> String {
            String(decoding: (try? JSONEncoder.answers.encode(value)) ?? Data(), as: UTF8.self)
        }
    }

    func render(_ call: VerbCall, with templates: NodeTemplates) async throws -> VerbCall {
        guard case .containerConfigData(let path, let pattern, let overrides, let debug) = call else { return call }
        return .containerConfigData(path: try await templates.render(path), pattern: try await templates.render(pattern), overrides: overrides, debug: debug)
    }

    func prepare(_ call: VerbCall, task: TaskSpec, templates: NodeTemplates, context: VerbContext) async throws -> Inputs {
        guard case .containerConfigData(let path, let pattern, let overrides, _) = call else { return Inputs(configs: nil, read: []) }
        let (configs, read) = try Self.read(path: path, pattern: pattern)
        guard var merged = configs else { return Inputs(configs: nil, read: []) }
        if let overrides { merged = Self.merge(merged, overrides) }
        return Inputs(configs: merged, read: read)
    }

    func perform(_ call: VerbCall, inputs: Inputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .containerConfigData(let path, _, _, let debug) = call else { return .unsupported(task.verb) }
        let notes = debug ? inputs.read.map { "read \($0)\n" }.joined() : ""
        guard let configs = inputs.configs else {
            return VerbOutcome(status: .succeeded, exitCode: 0, stdout: "{}\n", stderr: "\(path) does not exist; no configs loaded\n")
        }
        try await store.setArg("configs", try configs.templateValue())
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: Inputs.jsonText(configs) + "\n", stderr: notes)
    }

    /// The configs under `path`: `nil` when it does not exist; a directory's files matching
    /// `pattern` (a shell glob; hidden files only when the pattern starts with `.`), or the one
    /// file `path` names. Each must be JSON; its key is its name without extension.
    static func read(path: String, pattern: String) throws -> (YAMLValue?, [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return (nil, []) }
        var files: [String]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { fnmatch(pattern, $0, FNM_PERIOD) == 0 }.sorted().map { (path as NSString).appendingPathComponent($0) }
            files = files.filter { file in
                var directory: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &directory) && !directory.boolValue
            }
        } else {
            files = [path]
        }
        var configs: [String: YAMLValue] = [:]
        var read: [String] = []
        for file in files {
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            if let size = (attributes?[.size] as? NSNumber)?.intValue, size > maximumFileBytes {
                throw VerbFailure("CONTAINER_CONFIG_DATA: \(file) is larger than \(maximumFileBytes) bytes")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw VerbFailure("CONTAINER_CONFIG_DATA: cannot read \(file)") }
            do {
                configs[name] = try JSONDecoder().decode(YAMLValue.self, from: data)
            } catch {
                throw VerbFailure("CONTAINER_CONFIG_DATA: \(file) is not valid JSON (\(Self.reason(error)))")
            }
            read.append("\(name) from \(file)")
        }
        return (.map(configs), read)
    }

    /// `overrides` merged into `base` as Directord's `merge_dict` does: maps are merged key by
    /// key, lists extended, anything else replaced.
    static func merge(_ base: YAMLValue, _ overrides: YAMLValue) -> YAMLValue {
        switch (base, overrides) {
        case (.map(var merged), .map(let new)):
            for (key, value) in new { merged[key] = merged[key].map { merge($0, value) } ?? value }
            return .map(merged)
        case (.list(let old), .list(let new)):
            return .list(old + new)
        default:
            return overrides
        }
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError.map { "\($0.localizedDescription)" }) ?? context.debugDescription
        }
        return "\(error)"
    }
}
