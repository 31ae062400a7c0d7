import ArgumentParser
import CoxswainYAML
import Foundation
import Yams

/// A YAML (or JSON) file the delivery commands read — a product file, a container configuration,
/// a compose file — as a node tree whose every problem names the file, the line and what is wrong.
package struct YAMLFile {
    /// The file's name as the operator gave it (for messages).
    package let file: String
    /// The document, or nil when the file is empty.
    package let root: Node?

    /// Reads and parses the file at `path`.
    package init(path: String) throws(YAMLFileError) {
        let expanded = (path as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: expanded) else { throw .unreadable(file: path, reason: "no such file, or not readable") }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(file: path, reason: "not UTF-8 text") }
        try self.init(text: text, file: path)
    }

    /// Parses `text`, naming it `file` in problems.
    package init(text: String, file: String) throws(YAMLFileError) {
        self.file = file
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .yaml(YAMLProblem(error, file: file))
        } catch {
            throw .invalid(file: file, line: nil, path: "", message: "\(error)")
        }
    }

    /// A problem at `node` (its line), under the field `path`.
    package func problem(_ node: Node?, _ path: String, _ message: String) -> YAMLFileError {
        .invalid(file: file, line: node?.mark?.line, path: path, message: message)
    }

    /// Decodes `type` from `node` (the document by default). A value of the wrong shape names its
    /// field and line; a key the type does not know is refused too (a misspelt key would otherwise
    /// be dropped without a word).
    package func decode<T: Codable>(_ type: T.Type, at node: Node? = nil, path: String = "") throws(YAMLFileError) -> T {
        guard let node = node ?? root else { throw problem(nil, path, "the file is empty") }
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: node)
        } catch let error as DecodingError {
            throw decodingProblem(error, in: node, path: path)
        } catch {
            throw problem(node, path, "\(error)")
        }
        // Known keys are the ones the decoded value writes back (nil values leave theirs out, so
        // keys with null values are not compared).
        if let encoded = try? YAMLEncoder().encode(value), let known = try? Yams.compose(yaml: encoded),
            let unknown = Self.unknownKeys(in: node, known: known, path: path).first
        {
            throw problem(unknown.node, unknown.path, "unknown key '\(unknown.key)'")
        }
        return value
    }

    /// The first keys of `source` (depth first) that `known` does not have.
    static func unknownKeys(in source: Node, known: Node, path: String) -> [(node: Node, path: String, key: String)] {
        switch (source, known) {
        case (.mapping(let mapping), .mapping(let knownMapping)):
            var found: [(node: Node, path: String, key: String)] = []
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if YAMLFile.isNull(value) { continue }
                let at = path.isEmpty ? name : "\(path).\(name)"
                if let other = knownMapping[name] {
                    found += unknownKeys(in: value, known: other, path: at)
                } else {
                    found.append((key, path.isEmpty ? name : at, name))
                }
            }
            return found
        case (.sequence(let items), .sequence(let knownItems)):
            return zip(items, knownItems).enumerated().flatMap { i, pair in unknownKeys(in: pair.0, known: pair.1, path: "\(path)[\(i)]") }
        default:
            return []
        }
    }

    /// Whether `node` is YAML's null (`~`, `null` or nothing).
    package static func isNull(_ node: Node) -> Bool {
        node.null != nil
    }

    func decodingProblem(_ error: DecodingError, in node: Node, path root: String) -> YAMLFileError {
        func located(_ codingPath: [any CodingKey]) -> (Node?, String) {
            var current: Node? = node
            var lastFound: Node? = node
            var path = root
            for key in codingPath {
                if let index = key.intValue {
                    path += "[\(index)]"
                    if case .sequence(let items)? = current, index < items.count { current = items[index] } else { current = nil }
                } else {
                    path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
                    current = current?.mapping?[key.stringValue]
                }
                if let current { lastFound = current }
            }
            return (current ?? lastFound, path)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let (at, path) = located(context.codingPath)
            return problem(at, path, "'\(key.stringValue)' is missing")
        case .valueNotFound(let type, let context):
            let (at, path) = located(context.codingPath)
            return problem(at, path, "needs a value (\(Self.typeName(type)))")
        case .typeMismatch(let type, let context):
            let (at, path) = located(context.codingPath)
            return problem(at, path, "expected \(Self.typeName(type))")
        case .dataCorrupted(let context):
            let (at, path) = located(context.codingPath)
            return problem(at, path, context.debugDescription)
        @unknown default:
            return problem(node, root, "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "a map of strings"
        case is [String].Type: "a list of strings"
        default: String(describing: type).hasPrefix("Array") ? "a list" : (String(describing: type).hasPrefix("Dictionary") ? "a map" : "\(type)")
        }
    }
}

/// What is wrong with a file a delivery command read, in the words the orchestration and
/// bootstrap loaders use: `file:line:column: invalid YAML: …` or `file:line: field: problem`.
package enum YAMLFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case yaml(YAMLProblem)
    case invalid(file: String, line: Int?, path: String, message: String)

    package var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): \(reason)"
        case .yaml(let p):
            "\(p.file)\(p.line.map { ":\($0)" } ?? "")\(p.column.map { ":\($0)" } ?? ""): invalid YAML: \(p.problem); fix the file's syntax"
        case .invalid(let file, let line, let path, let message):
            "\(file)\(line.map { ":\($0)" } ?? ""): \(path.isEmpty ? "" : "\(path): ")\(message)"
        }
    }
}

extension YAMLFileError {
    /// Prints the problem and ends with exit code 2: nothing was sent (as `orchestrate` and
    /// `bootstrap` do with a bad file).
    func exit() -> ExitCode {
        FileHandle.standardError.write(Data("error: \(description)\nnothing was sent\n".utf8))
        return ExitCode(2)
    }
}
