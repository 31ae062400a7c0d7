/// One block of an orchestration: jobs that run in order on the same nodes.
package struct ParsedBlock: Sendable, Equatable, Codable {
    /// The block's `name:`, when it has one.
    package var name: String?
    /// The block's `targets:`; `nil` (absent or empty, as in Directord) means every online node.
    package var targets: [String]?
    /// The block's `assign:`, which replaces `targets` for every job of the block; `nil` when
    /// absent or empty.
    package var assign: [String]?
    /// `async: true`: the block runs beside the blocks around it instead of after them.
    package var isAsync: Bool
    /// The jobs, in file order; never empty.
    package var jobs: [ParsedJob]
    /// Where the block starts.
    package var source: SourceLocation

    /// A parsed block.
    package init(name: String? = nil, targets: [String]? = nil, assign: [String]? = nil, isAsync: Bool = false, jobs: [ParsedJob], source: SourceLocation) {
        self.name = name
        self.targets = targets
        self.assign = assign
        self.isAsync = isAsync
        self.jobs = jobs
        self.source = source
    }
}
