/// Which nodes a job reaches: node names and globs, label selectors and fact selectors, resolved
/// over the team's nodes by one pure function shared by job submission and the preview
/// (`POST /v1/nodes/match`, `coxswain exec --list-nodes`).
///
/// - Names and globs (`--target`, comma lists allowed) are a union; every exact name must exist
///   and every glob must match a node. Without any, every node is a candidate (every *online* node
///   when no selector narrows them either: what a job without targets reaches).
/// - Label selectors (`--target-label`, several = OR) narrow the candidates; an older client's exact
///   label map is AND-ed into each of them.
/// - Fact selectors (`--target-fact`, several = OR) narrow them further, on the nodes' known facts.
public struct TargetSelector: Sendable, Equatable {
    public var patterns: [NodePattern]
    public var labelSelectors: [LabelSelector]
    public var factSelectors: [LabelSelector]

    /// A selector from parsed parts.
    public init(patterns: [NodePattern] = [], labelSelectors: [LabelSelector] = [], factSelectors: [LabelSelector] = []) {
        self.patterns = patterns
        self.labelSelectors = labelSelectors
        self.factSelectors = factSelectors
    }

    /// Where a parse error was found: which field (or flag) and which entry of it.
    public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The field or flag (`targets`, `targetLabelSelectors`, `--target-label`).
        public var field: String
        /// The index of the entry, when the field is a list.
        public var index: Int?
        public var syntax: TargetSyntaxError
        public var description: String { "\(field)\(index.map { "[\($0)]" } ?? ""): \(syntax)" }
    }

    /// Parses the targeting fields of a request; errors name the field and entry.
    ///
    /// `labels` is the exact label map of older clients (AND). The field names are the request's
    /// unless `names` gives others (the CLI passes its flags).
    public init(
        targets: [String], labels: [String: String] = [:], labelSelectors: [String] = [], factSelectors: [String] = [],
        names: (targets: String, labels: String, facts: String) = ("targets", "targetLabelSelectors", "targetFacts"),
        indexed: Bool = true
    ) throws(FieldError) {
        var patterns: [NodePattern] = []
        for (i, t) in targets.enumerated() {
            do { patterns += try NodePattern.parseList(t) } catch { throw FieldError(field: names.targets, index: indexed ? i : nil, syntax: error) }
        }
        var selectors: [LabelSelector] = []
        for (i, s) in labelSelectors.enumerated() {
            do { selectors.append(try LabelSelector(parsing: s)) } catch { throw FieldError(field: names.labels, index: indexed ? i : nil, syntax: error) }
        }
        if !labels.isEmpty {
            let exact = LabelSelector(labels: labels)
            selectors = selectors.isEmpty ? [exact] : selectors.map { LabelSelector(requirements: $0.requirements + exact.requirements) }
        }
        var facts: [LabelSelector] = []
        for (i, s) in factSelectors.enumerated() {
            do { facts.append(try LabelSelector(parsing: s)) } catch { throw FieldError(field: names.facts, index: indexed ? i : nil, syntax: error) }
        }
        self.init(patterns: patterns, labelSelectors: selectors, factSelectors: facts)
    }

    /// Whether nothing narrows the nodes: a job reaches every online node, chosen when it is planned.
    public var isEveryOnlineNode: Bool { patterns.isEmpty && labelSelectors.isEmpty && factSelectors.isEmpty }

    /// Whether resolving needs the nodes' facts.
    public var needsFacts: Bool { !factSelectors.isEmpty }

    /// The names of the nodes reached, sorted; throws when an exact name is unknown, a glob
    /// matches nothing, or the selectors leave no node.
    public func resolve(_ nodes: [TargetCandidate]) throws(TargetResolutionError) -> [String] {
        var chosen: [TargetCandidate]
        if patterns.isEmpty {
            chosen = isEveryOnlineNode ? nodes.filter(\.online) : nodes
        } else {
            let names = Set(nodes.map(\.name))
            let unknown = patterns.compactMap { p -> String? in
                if case .exact(let n) = p, !names.contains(n) { return n }
                return nil
            }
            var seen = Set<String>()
            if !unknown.isEmpty { throw .unknownTargets(unknown.filter { seen.insert($0).inserted }) }
            for case .glob(let g) in patterns where !nodes.contains(where: { NodePattern.glob(g).matches($0.name) }) {
                throw .noNodeMatchesGlob(g)
            }
            chosen = nodes.filter { node in patterns.contains { $0.matches(node.name) } }
        }
        if !labelSelectors.isEmpty {
            chosen = chosen.filter { node in labelSelectors.contains { $0.matches(labels: node.labels) } }
            if chosen.isEmpty { throw .noNodeMatchesLabels(Self.describe(labelSelectors), amongNamed: !patterns.isEmpty) }
        }
        if !factSelectors.isEmpty {
            chosen = chosen.filter { node in factSelectors.contains { $0.matches(node.facts) } }
            if chosen.isEmpty { throw .noNodeMatchesFacts(Self.describe(factSelectors), amongSelected: !patterns.isEmpty || !labelSelectors.isEmpty) }
        }
        return chosen.map(\.name).sorted()
    }

    /// Selectors in words: `role=web` or `role=web or dc in (eu1)`.
    static func describe(_ selectors: [LabelSelector]) -> String { selectors.map(\.description).joined(separator: " or ") }
}
