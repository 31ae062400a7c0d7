import CoxswainCore
import CoxswainOrchestration
import CoxswainStore
import Foundation

/// Resolves a request's targeting (`TargetSelector`) over the team's nodes: one resolver for job
/// submission (`POST /v1/jobs`) and the preview (`POST /v1/nodes/match`), so the preview shows
/// exactly whom a job would reach.
///
/// Facts are the args the control plane knows from the team's succeeded tasks (see `NodeFacts`),
/// read only when a fact selector asks for them.
struct TargetResolver: Sendable {
    let nodes: NodeRepository

    /// The nodes reached, by name, and whether nothing narrowed them (a job then takes the nodes
    /// online when it is planned). Refusals: `invalid_target` (a malformed name, glob or selector,
    /// naming the field and position), `unknown_target`, `no_matching_nodes`; `suffix` ends each
    /// refusal ("; nothing was submitted").
    func resolve(_ request: () throws(TargetSelector.FieldError) -> TargetSelector, team: TeamID, suffix: String = "") async throws -> (
        nodes: [NodeInfo], everyOnlineNode: Bool
    ) {
        let selector: TargetSelector
        do { selector = try request() } catch { throw HTTPResponseError(.invalidTarget, error.description) }
        let listed = try await nodes.list(team: team)
        let facts = selector.needsFacts ? NodeFacts.fold(try await nodes.argEvents(team: team)) : [:]
        let candidates = listed.map {
            TargetCandidate(
                name: $0.name, online: $0.status == .online || $0.status == .rebooting, labels: $0.labels,
                facts: facts[$0.name].map(NodeFacts.flatten) ?? [:])
        }
        let names: Set<String>
        do {
            names = Set(try selector.resolve(candidates))
        } catch {
            throw HTTPResponseError(error.isUnknownTarget ? .unknownTarget : .noMatchingNodes, "\(error)\(suffix)")
        }
        return (listed.filter { names.contains($0.name) }, selector.isEveryOnlineNode)
    }
}

/// The args the control plane knows of each node, folded from its succeeded tasks in the order
/// they finished: `ARG KEY VALUE` sets KEY (literal values only: a templated one is rendered on
/// the node and stays unknown; `--extend-args` extends lists and mappings), `QUERY KEY` records the
/// value the node reported, `CACHEDUMP` (`manage --dump-cache`) replaces them with the node's
/// dump, and `CACHEEVICT args|all|KEY` forgets them. `FACTER` facts become known through a later
/// `QUERY facter` or `manage --dump-cache`.
enum NodeFacts {
    /// Each node's known args.
    static func fold(_ events: [NodeRepository.ArgEvent]) -> [String: [String: YAMLValue]] {
        var out: [String: [String: YAMLValue]] = [:]
        let location = SourceLocation(file: "facts", block: 1)
        for e in events {
            var args = out[e.node] ?? [:]
            switch Verb(rawValue: e.verb) {
            case .arg:
                guard case .arg(let key, let value, let extend)? = try? VerbParser.parse(verb: e.verb, arguments: e.arguments, at: location).0 else {
                    continue
                }
                if case .string(let text) = value, text.contains("{{") || text.contains("{%") {
                    args[key] = nil  // rendered on the node: its value is not known here
                } else if extend, let current = args[key] {
                    switch (current, value) {
                    case (.list(let a), .list(let b)): args[key] = .list(a + b)
                    case (.list(let a), let b): args[key] = .list(a + [b])
                    case (.map(let a), .map(let b)): args[key] = .map(a.merging(b) { $1 })
                    default: args[key] = value
                    }
                } else {
                    args[key] = value
                }
            case .query:
                guard case .query(let key, _)? = try? VerbParser.parse(verb: e.verb, arguments: e.arguments, at: location).0,
                    let json = e.queryValue, let value = try? JSONDecoder().decode(YAMLValue.self, from: Data(json.utf8))
                else { continue }
                args[key] = value == .null ? nil : value
            case .cacheDump:
                guard let dump = try? JSONDecoder().decode([String: YAMLValue].self, from: Data(e.stdout.utf8)), case .map(let dumped)? = dump["args"] else {
                    continue
                }
                args = dumped
            case .cacheevict:
                let what = e.arguments.trimmingCharacters(in: .whitespaces)
                switch what {
                case "all", "args": args = [:]
                case "envs", "jobs", "parents": break
                default: args[what] = nil
                }
            default: continue
            }
            out[e.node] = args
        }
        return out
    }

    /// Dotted keys to their values: a scalar is one value, a list of scalars its elements, and a
    /// mapping's key is present (no values) with its own keys below it (`facter.os.family`).
    static func flatten(_ args: [String: YAMLValue]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        func walk(_ key: String, _ value: YAMLValue, depth: Int) {
            guard depth < 16 else { return }
            switch value {
            case .map(let m):
                out[key, default: []] += []
                for (k, v) in m { walk("\(key).\(k)", v, depth: depth + 1) }
            case .list(let items):
                out[key, default: []] += items.compactMap(\.scalarText)
            default:
                out[key, default: []] += value.scalarText.map { [$0] } ?? []
            }
        }
        for (k, v) in args { walk(k, v, depth: 0) }
        return out
    }
}
