/// Where a block or job sits in an orchestration file, for messages an operator can act on:
/// `site.yaml:12 (block 2 'install', job 3)`.
package struct SourceLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file as the operator named it (the path given to the parser, or a label such as
    /// `<exec>` for an ad-hoc job).
    package var file: String
    /// The 1-based line of the job's verb (or of the block, for block-level problems), when known.
    package var line: Int?
    /// The 1-based position of the block in the file.
    package var block: Int
    /// The block's `name:`, when it has one.
    package var blockName: String?
    /// The 1-based position of the job in its block; `nil` for block-level problems.
    package var job: Int?

    /// A location; every part but `file` and `block` is optional.
    package init(file: String, line: Int? = nil, block: Int, blockName: String? = nil, job: Int? = nil) {
        self.file = file
        self.line = line
        self.block = block
        self.blockName = blockName
        self.job = job
    }

    /// `file:line (block B 'name', job J)`, leaving out what is unknown.
    package var description: String {
        var place = "block \(block)"
        if let blockName { place += " '\(blockName)'" }
        if let job { place += ", job \(job)" }
        return "\(file)\(line.map { ":\($0)" } ?? "") (\(place))"
    }
}
