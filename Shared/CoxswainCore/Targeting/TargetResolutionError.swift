/// Why a valid targeting expression reaches no node (or names one that does not exist).
///
/// Descriptions are for the operator; a submission adds "; nothing was submitted".
public enum TargetResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Exact names the team has no node for.
    case unknownTargets([String])
    /// A glob that matches none of the team's nodes.
    case noNodeMatchesGlob(String)
    /// No node (among the named ones, when names were given) satisfies any label selector.
    case noNodeMatchesLabels(String, amongNamed: Bool)
    /// No node satisfies any fact selector (among those the other criteria left).
    case noNodeMatchesFacts(String, amongSelected: Bool)

    public var description: String {
        switch self {
        case .unknownTargets(let names): "unknown target\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", "))"
        case .noNodeMatchesGlob(let glob): "no node matches '\(glob)'"
        case .noNodeMatchesLabels(let labels, let among): "no node matches the labels \(labels)\(among ? " among the named targets" : "")"
        case .noNodeMatchesFacts(let facts, let among): "no node matches the facts \(facts)\(among ? " among the selected nodes" : "")"
        }
    }

    /// Whether the request named something that does not exist (an exact name) rather than selecting nothing.
    public var isUnknownTarget: Bool {
        if case .unknownTargets = self { return true }
        return false
    }
}
