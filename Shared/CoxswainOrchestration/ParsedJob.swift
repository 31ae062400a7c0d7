/// One job of a block, parsed and checked.
package struct ParsedJob: Sendable, Equatable, Codable {
    /// The verb in upper case (`RUN`), as Directord's component names are case-insensitive.
    package var verb: String
    /// The verb's operands and own options.
    package var call: VerbCall
    /// The options every verb shares, with inline flags and `vars:` merged (`vars:` win).
    package var options: JobOptions
    /// The job's `name:`, when it has one.
    package var name: String?
    /// The job's `assign:` nodes, which replace the block's targets for this job; `nil` when
    /// absent or empty.
    package var assign: [String]?
    /// Where the job is written.
    package var source: SourceLocation
    /// The job's argument string as written (what the node parses again).
    package var arguments: String = ""
    /// The job's `vars:` as written.
    package var vars: [String: YAMLValue] = [:]

    /// A parsed job.
    package init(verb: String, call: VerbCall, options: JobOptions, name: String? = nil, assign: [String]? = nil, source: SourceLocation) {
        self.verb = verb
        self.call = call
        self.options = options
        self.name = name
        self.assign = assign
        self.source = source
    }
}
