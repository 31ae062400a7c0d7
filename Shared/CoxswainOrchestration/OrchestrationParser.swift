import CoxswainCore
import CoxswainYAML
import Foundation
import Yams

/// Reads a Directord orchestration file: a YAML list of blocks, each with `jobs`.
///
/// ```yaml
/// - name: install             # optional
///   targets: [node-a, node-b] # optional; absent or empty: every online node
///   assign: [node-c]          # optional; replaces targets for the block's jobs
///   async: true               # optional; the block runs beside the others
///   jobs:
///   - RUN: --skip-cache echo hello
///     name: greet             # optional
///     assign: [node-b]        # optional; replaces the block's nodes for this job
///     vars: {stdout_arg: out} # optional; the verb's options as YAML, winning over inline flags
/// ```
///
/// The YAML is composed with Yams so every error can name its line. Values are read as
/// PyYAML (Directord's reader) reads them. A verb's argument string is the scalar's text as
/// YAML gives it, except that in a folded (`>`) scalar a line break before a more-indented
/// line becomes a space (see ``unfoldingIndentedBreaks(_:)``). Beyond Directord, a block or job key that means
/// nothing (`target:`, a second verb) is an error rather than ignored, a block must have at
/// least one job, and verbs are matched without regard to case (as Directord's component
/// loader did).
package enum OrchestrationParser {
    /// The keys a block may have.
    static let blockKeys = ["name", "targets", "assign", "async", "jobs"]
    /// The keys a job may have besides its verb.
    static let jobKeys = ["name", "assign", "vars"]

    /// Reads and parses the file at `path`. Relative `ADD`/`COPY` sources start at the file's
    /// folder; errors name the file as `path` was written.
    package static func parse(fileAt path: String) throws(OrchestrationError) -> [ParsedBlock] {
        let file: TextFile
        do { file = try TextFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try parse(yaml: file.text, file: path, baseDirectory: file.directory)
    }

    /// Parses orchestration text. `file` names it in errors; relative `ADD`/`COPY` sources
    /// start at `baseDirectory`.
    package static func parse(yaml: String, file: String, baseDirectory: String) throws(OrchestrationError) -> [ParsedBlock] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.error(from: error, file: file)
        } catch {
            throw .yaml(file: file, line: nil, column: nil, problem: "\(error)")
        }
        guard let root else { throw .document(file: file, line: nil, problem: "the file has no blocks") }
        guard case .sequence(let blockNodes) = root else {
            throw .document(file: file, line: root.mark?.line, problem: "the top level is \(describe(root)), not a list of blocks")
        }
        if blockNodes.isEmpty { throw .document(file: file, line: root.mark?.line, problem: "the list of blocks is empty") }
        var blocks: [ParsedBlock] = []
        for (index, node) in blockNodes.enumerated() {
            blocks.append(try block(node, number: index + 1, file: file, baseDirectory: baseDirectory))
        }
        return blocks
    }

    // MARK: Blocks

    private static func block(_ node: Node, number: Int, file: String, baseDirectory: String) throws(OrchestrationError) -> ParsedBlock {
        var location = SourceLocation(file: file, line: node.mark?.line, block: number)
        guard case .mapping(let mapping) = node else {
            throw .structure(location, "a block must be a map with a 'jobs' list, not \(describe(node))")
        }
        var entries: [(key: String, keyLine: Int?, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else { throw .structure(location, "a block key must be a word, not \(describe(keyNode))") }
            entries.append((key.string, keyNode.mark?.line, value))
        }
        if let name = entries.first(where: { $0.key == "name" }) {
            location.blockName = try text(name.value, key: "name", at: location)
        }
        var block = ParsedBlock(name: location.blockName, jobs: [], source: location)
        var jobsNode: Node?
        for entry in entries {
            let at = SourceLocation(file: file, line: entry.keyLine ?? location.line, block: number, blockName: location.blockName)
            switch entry.key {
            case "name": break
            case "targets": block.targets = try nodeNames(entry.value, key: "targets", at: at)
            case "assign": block.assign = try nodeNames(entry.value, key: "assign", at: at)
            case "async": block.isAsync = try boolean(entry.value, key: "async", at: at)
            case "jobs": jobsNode = entry.value
            default:
                throw .structure(at, "unknown block key '\(entry.key)'; a block has \(blockKeys.joined(separator: ", "))")
            }
        }
        guard let jobsNode, jobsNode.resolvedTagName != .null else {
            throw .structure(location, "the block has no 'jobs'; give it a list of jobs such as '- RUN: echo hello'")
        }
        guard case .sequence(let jobNodes) = jobsNode else {
            throw .structure(location, "'jobs' must be a list of jobs, not \(describe(jobsNode))")
        }
        if jobNodes.isEmpty { throw .structure(location, "the block's 'jobs' list is empty") }
        for (index, jobNode) in jobNodes.enumerated() {
            block.jobs.append(try job(jobNode, in: location, number: index + 1, baseDirectory: baseDirectory))
        }
        return block
    }

    // MARK: Jobs

    private static func job(_ node: Node, in block: SourceLocation, number: Int, baseDirectory: String) throws(OrchestrationError) -> ParsedJob {
        var location = block
        location.job = number
        location.line = node.mark?.line ?? block.line
        guard case .mapping(let mapping) = node else {
            throw .structure(location, "a job must be a map such as 'RUN: echo hello', not \(describe(node))")
        }
        var name: String?
        var assign: [String]?
        var vars: [String: YAMLValue] = [:]
        var verbs: [(key: String, line: Int?, value: Node)] = []
        var unknown: [(key: String, line: Int?)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else { throw .structure(location, "a job key must be a word, not \(describe(keyNode))") }
            let key = keyScalar.string
            var at = location
            at.line = keyNode.mark?.line ?? location.line
            switch key {
            case "name": name = try text(value, key: "name", at: at)
            case "assign": assign = try nodeNames(value, key: "assign", at: at)
            case "vars": vars = try variables(value, at: at)
            default:
                if VerbSpec.named(key) != nil {
                    verbs.append((key, keyNode.mark?.line, value))
                } else {
                    unknown.append((key, keyNode.mark?.line))
                }
            }
        }
        if verbs.count > 1 {
            throw .structure(location, "the job has \(verbs.count) verbs (\(verbs.map(\.key).joined(separator: ", "))); write one job per verb")
        }
        if let extra = unknown.first {
            var at = location
            at.line = extra.line ?? location.line
            guard !verbs.isEmpty else { throw .unknownVerb(at, extra.key, known: VerbParser.verbs) }
            throw .structure(at, "unknown job key '\(extra.key)'; a job has one verb and optionally \(jobKeys.joined(separator: ", "))")
        }
        guard let verb = verbs.first else {
            throw .structure(location, "the job has no verb; write it as 'VERB: arguments' with one of \(VerbParser.verbs.joined(separator: ", "))")
        }
        location.line = verb.line ?? location.line
        let arguments = try argumentString(verb.value, verb: verb.key, at: location)
        let (call, options) = try VerbParser.parse(verb: verb.key, arguments: arguments, vars: vars, at: location, baseDirectory: baseDirectory)
        var job = ParsedJob(verb: verb.key.uppercased(), call: call, options: options, name: name, assign: assign, source: location)
        job.arguments = arguments
        job.vars = vars
        return job
    }

    private static func argumentString(_ node: Node, verb: String, at location: SourceLocation) throws(OrchestrationError) -> String {
        guard case .scalar(let scalar) = node else {
            throw .structure(location, "the value of \(verb) must be its argument string, not \(describe(node))")
        }
        if scalar.resolvedTagName == .null { return "" }
        return scalar.style == .folded ? unfoldingIndentedBreaks(scalar.string) : scalar.string
    }

    /// In a folded scalar (`>`, `>-`) YAML keeps the line break before a more-indented line, so
    /// `adduser --home-dir /x⏎        --comment …` would reach the shell as two commands.
    /// Directord re-joined every word with a space, so such a command ran as one line; those
    /// breaks become spaces here (the indentation is kept). Every other character, including a
    /// blank-line break or a final line break, is kept as written.
    static func unfoldingIndentedBreaks(_ text: String) -> String {
        var result = ""
        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            let next = characters.next()
            if character == "\n", let next, next == " " || next == "\t" {
                result.append(" ")
            } else {
                result.append(character)
            }
            pending = next
        }
        return result
    }

    private static func variables(_ node: Node, at location: SourceLocation) throws(OrchestrationError) -> [String: YAMLValue] {
        if node.resolvedTagName == .null { return [:] }
        guard case .mapping = node else { throw .structure(location, "'vars' must be a map of option names to values, not \(describe(node))") }
        let value: YAMLValue
        do {
            value = try YAMLValue(document: node)
        } catch {
            var at = location
            at.line = error.line ?? location.line
            throw .structure(at, "'vars': \(error.problem)")
        }
        guard case .map(let entries) = value else { return [:] }
        return entries
    }

    // MARK: Values

    private static func text(_ node: Node, key: String, at location: SourceLocation) throws(OrchestrationError) -> String? {
        guard case .scalar(let scalar) = node else { throw .structure(location, "'\(key)' must be text, not \(describe(node))") }
        return scalar.resolvedTagName == .null ? nil : scalar.string
    }

    /// A list of node names; a single name is accepted as a list of one; empty means `nil`.
    private static func nodeNames(_ node: Node, key: String, at location: SourceLocation) throws(OrchestrationError) -> [String]? {
        switch node {
        case .scalar(let scalar):
            return scalar.resolvedTagName == .null || scalar.string.isEmpty ? nil : [scalar.string]
        case .sequence(let sequence):
            var names: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item, scalar.resolvedTagName != .null, !scalar.string.isEmpty else {
                    throw .structure(location, "'\(key)' must be a list of node names; found \(describe(item))")
                }
                names.append(scalar.string)
            }
            return names.isEmpty ? nil : names
        default:
            throw .structure(location, "'\(key)' must be a list of node names, not \(describe(node))")
        }
    }

    /// A YAML boolean, or text Python's `strtobool` reads (Directord's reading of `async`).
    private static func boolean(_ node: Node, key: String, at location: SourceLocation) throws(OrchestrationError) -> Bool {
        if case .scalar = node, let value = try? YAMLValue(document: node) {
            switch value {
            case .bool(let flag): return flag
            case .null, .int(0): return false
            case .int(1): return true
            case .string(let text):
                switch text.lowercased() {
                case "y", "yes", "t", "true", "on", "1": return true
                case "n", "no", "f", "false", "off", "0": return false
                default: break
                }
            default: break
            }
        }
        throw .structure(location, "'\(key)' must be true or false, not \(describe(node))")
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.resolvedTagName == .null ? "an empty value" : "the value '\(scalar.string)'"
        case .sequence: "a list"
        case .mapping: "a map"
        case .alias: "an alias"
        }
    }

    // MARK: YAML errors

    private static func error(from error: YamlError, file: String) -> OrchestrationError {
        let problem = YAMLProblem(error, file: file)
        return .yaml(file: problem.file, line: problem.line, column: problem.column, problem: problem.problem)
    }
}
