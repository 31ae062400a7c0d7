/// Where something in a bootstrap catalog was written: `inventory.yaml:12`.
///
/// Origins survive merging, so a job keeps the file and line that wrote it even when several
/// catalog files are combined; every planning error and every planned step carries one.
package struct CatalogOrigin: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The file as the operator named it (the path given on the command line, or a label such
    /// as `<stdin>` for text that did not come from a file).
    package var file: String
    /// The 1-based line, when known.
    package var line: Int?

    /// An origin in `file`, at `line` when known.
    package init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    /// `file:line`, or `file` when the line is unknown.
    package var description: String {
        line.map { "\(file):\($0)" } ?? file
    }
}
