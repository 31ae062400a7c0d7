import CoxswainCore
import CoxswainYAML
import Foundation
import Yams

extension Catalog {
    /// Reads and merges catalog files in order.
    ///
    /// - Parameter paths: The files, as the operator named them (errors repeat these names);
    ///   relative paths start at the current directory.
    /// - Throws: ``CatalogError/noCatalogFiles`` for an empty list, or the first file's
    ///   reading error.
    package static func load(files paths: [String]) throws(CatalogError) -> Catalog {
        guard !paths.isEmpty else { throw .noCatalogFiles }
        var catalog = Catalog()
        for path in paths {
            catalog.merge(try load(fileAt: path))
        }
        return catalog
    }

    /// Reads one catalog file. Its relative `ADD` sources start at the file's folder.
    package static func load(fileAt path: String) throws(CatalogError) -> Catalog {
        let file: TextFile
        do { file = try TextFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try Catalog(yaml: file.text, file: path, baseDirectory: file.directory)
    }

    /// Parses one catalog document.
    ///
    /// - Parameters:
    ///   - yaml: The document: a map (an empty document is an empty catalog).
    ///   - file: Names the document in origins and errors.
    ///   - baseDirectory: The absolute folder relative `ADD` sources start at.
    /// - Throws: ``CatalogError/yaml(file:line:column:problem:)`` for invalid YAML,
    ///   ``CatalogError/structure(_:_:)`` when the top level is not a map.
    package init(yaml: String, file: String, baseDirectory: String) throws(CatalogError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.error(from: error, file: file)
        } catch {
            throw .yaml(file: file, line: nil, column: nil, problem: "\(error)")
        }
        var root = CatalogNode.emptyMap(origin: CatalogOrigin(file: file, line: 1), directory: baseDirectory)
        if let node {
            let document = try CatalogNode(yaml: node, file: file, directory: baseDirectory)
            switch document.content {
            case .map(let entries):
                // One entry at a time, so that both spellings of a section in one file merge.
                for var entry in entries {
                    if let role = BootstrapRole(sectionKey: entry.key) { entry.key = role.sectionKey }
                    let single = CatalogNode(content: .map([entry]), origin: root.origin, directory: baseDirectory)
                    root = root.merged(with: single)
                }
            case .scalar where document.isNull:
                break
            default:
                throw .structure(
                    document.origin,
                    "the top level is \(document.shapeDescription), not a map; a catalog has 'coxswain_server' and/or "
                        + "'coxswain_clients' sections and optional variables")
            }
        }
        self.root = root
        self.files = [file]
    }

    private static func error(from error: YamlError, file: String) -> CatalogError {
        let problem = YAMLProblem(error, file: file)
        return .yaml(file: problem.file, line: problem.line, column: problem.column, problem: problem.problem)
    }
}
