/// Why an orchestration file or a job's arguments could not be read. Every case is permanent:
/// the file (or the files it names) must change. Descriptions name the file, line, block and
/// job, and never include a cached value or a secret beyond what the file itself says.
package enum OrchestrationError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read (missing, unreadable, not UTF-8).
    case unreadableFile(path: String, reason: String)
    /// The text is not valid YAML. `line`/`column` are 1-based, from libyaml.
    case yaml(file: String, line: Int?, column: Int?, problem: String)
    /// The YAML is valid but is not an orchestration as a whole (empty, or not a list of blocks).
    case document(file: String, line: Int?, problem: String)
    /// A block or a job has the wrong shape: no `jobs`, a job that is not a map, a key that
    /// means nothing, a value of the wrong type.
    case structure(SourceLocation, String)
    /// A job's verb is not one Coxswain runs. `known` lists the verbs that are.
    case unknownVerb(SourceLocation, String, known: [String])
    /// A verb's options or operands are wrong: an unknown flag, a value that is not a number,
    /// a missing operand. The message says which and why.
    case badOption(SourceLocation, verb: String, String)
    /// An `ADD`/`COPY` source pattern matched no file.
    case noMatch(SourceLocation?, pattern: String)

    /// What went wrong, where, and what to change; safe to log.
    package var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read orchestration file \(path): \(reason)"
        case .yaml(let file, let line, let column, let problem):
            "\(file)\(line.map { ":\($0)" } ?? "")\(column.map { ":\($0)" } ?? ""): invalid YAML: \(problem); fix the file's syntax"
        case .document(let file, let line, let problem):
            "\(file)\(line.map { ":\($0)" } ?? ""): \(problem); an orchestration is a YAML list of blocks, each with a 'jobs' list"
        case .structure(let location, let message):
            "\(location): \(message)"
        case .unknownVerb(let location, let verb, let known):
            "\(location): unknown verb '\(verb)'; known verbs: \(known.joined(separator: ", "))"
        case .badOption(let location, let verb, let message):
            "\(location): \(verb): \(message); see '\(verb) --exec-help'"
        case .noMatch(let location, let pattern):
            "\(location.map { "\($0): " } ?? "")no file matches '\(pattern)'; check the path (relative paths start at the orchestration file's folder)"
        }
    }

    /// Orchestration errors never go away by retrying.
    package var isRetriable: Bool { false }
}
