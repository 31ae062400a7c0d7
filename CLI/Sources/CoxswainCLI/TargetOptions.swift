import ArgumentParser
import CoxswainCore
import Foundation

/// The targeting flags of `exec` and `orchestrate`: node names and globs, label and fact
/// selectors, and `--list-nodes`, which asks the Gateway which nodes they reach
/// (`POST /v1/nodes/match`, the submission's own resolver) and submits nothing.
package struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: "A node name, a glob ('web-*', 'web-[12]') or a comma list of them (repeatable).")
    package var target: [String] = []

    @Option(
        name: .long,
        help: "A label selector: 'role=web', 'role=web,dc in (eu1,eu2)', 'tier!=db', 'dc notin (us1)', 'gpu', '!canary' (comma = and); repeat for or.")
    package var targetLabel: [String] = []

    @Option(
        name: .long,
        help: "A selector over the nodes' known args, same grammar ('os=debian', 'facter.os.family in (Debian,RedHat)'); repeat for or.")
    package var targetFact: [String] = []

    @Flag(help: "Print the nodes these targets reach and submit nothing.") package var listNodes = false

    package init() {}

    /// The flags parsed as the Gateway will (errors name the flag and position: exit 64).
    package func selector() throws -> TargetSelector {
        do {
            var parsed = try TargetSelector(targets: target, names: ("--target", "", ""), indexed: false)
            parsed.labelSelectors = try TargetSelector(targets: [], labelSelectors: targetLabel, names: ("", "--target-label", ""), indexed: false)
                .labelSelectors
            parsed.factSelectors = try TargetSelector(targets: [], factSelectors: targetFact, names: ("", "", "--target-fact"), indexed: false).factSelectors
            return parsed
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Puts the targeting into a submission (names and globs as given, selectors as written).
    package func apply(to request: inout SubmitJobRequest) {
        if !target.isEmpty { request.targets = target }
        request.targetLabelSelectors = targetLabel.isEmpty ? nil : targetLabel
        request.targetFacts = targetFact.isEmpty ? nil : targetFact
    }

    /// Prints the nodes `request` would reach: a table (name, status, labels), or the answer as
    /// JSON/YAML; a note on stderr when nothing narrows them (the nodes online at planning).
    package static func preview(_ request: MatchNodesRequest, client: GatewayClient, format: OutputFormat, heading: String? = nil) async throws {
        let answer = try await client.post(APIRoute.matchNodes.path, body: request, as: MatchNodesResponse.self)
        guard format == .table else { return try Render.machine(answer, format: format) }
        if let heading { print(heading) }
        if answer.everyOnlineNode {
            FileHandle.standardError.write(Data("no targets: every node online when the job is planned (now \(answer.nodes.count))\n".utf8))
        }
        print(
            Render.table(
                ["NAME", "STATUS", "LABELS"],
                answer.nodes.map { [$0.name, $0.status.rawValue, $0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")] }
            ))
    }
}
