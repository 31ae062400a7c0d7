import Yams

/// A YAML syntax error as an operator reads it: the file, line and column (1-based, as libyaml
/// reports them) and the problem. The orchestration parser and the catalog loader both use it, so
/// a malformed file reads the same whichever command loaded it.
package struct YAMLProblem: Sendable, Equatable {
    package var file: String
    package var line: Int?
    package var column: Int?
    package var problem: String

    package init(_ error: YamlError, file: String) {
        self.file = file
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var text = problem
            if let context { text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            (line, column, self.problem) = (mark.line, mark.column, text)
        case .reader(let problem, let offset, _, let yaml):
            // libyaml's reader reports a byte offset.
            line = offset.map { offset in yaml.utf8.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
            (column, self.problem) = (nil, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            (line, column) = (context.mark.line, context.mark.column)
            self.problem = "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one map"
        default:
            (line, column, self.problem) = (nil, nil, "\(error)")
        }
    }
}
