import CoxswainCore
import CoxswainOrchestration

/// `PKG`/`DNF [--latest|--absent] [--exclude PKG…] [--clear-metadata] PACKAGE…`: the node's
/// package manager (apt-get or dnf, detected there).
struct PackageVerb: DirectordVerb {
    static let verbs: [Verb] = [.pkg, .dnf]

    func perform(_ call: VerbCall, inputs: NoInputs, task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        guard case .pkg(let packages, let state, let exclude, let clearMetadata) = call else { return .unsupported(task.verb) }
        return try await ShellCommand.runNoninteractive(
            Self.packageCommand(packages: packages, state: state, exclude: exclude, clearMetadata: clearMetadata), task: task, context: context
        )
    }

    /// PKG/DNF as a shell command for the node's package manager (apt-get or dnf, detected there).
    static func packageCommand(packages: [String], state: VerbCall.PackageState, exclude: [String], clearMetadata: Bool) -> String {
        let quote = ShellCommand.quote
        let names = packages.map(quote).joined(separator: " ")
        let dnfExclude = exclude.map { "--exclude=" + quote($0) }.joined(separator: " ")
        let apt: [String] = [
            clearMetadata ? "apt-get clean" : nil,
            state == .latest || clearMetadata ? "apt-get update -q" : nil,
            exclude.isEmpty ? nil : "apt-mark hold " + exclude.map(quote).joined(separator: " "),
            packages.isEmpty
                ? nil : (state == .absent ? "apt-get remove -y -q \(names)" : "apt-get install -y -q \(state == .latest ? "--only-upgrade " : "")\(names)"),
        ].compactMap { $0 }
        let dnf: [String] = [
            clearMetadata ? "dnf clean all" : nil,
            packages.isEmpty ? nil : "dnf \(state == .absent ? "remove" : state == .latest ? "upgrade" : "install") -y \(dnfExclude) \(names)",
        ].compactMap { $0 }
        let aptScript = apt.isEmpty ? "true" : apt.joined(separator: " && ")
        let dnfScript = dnf.isEmpty ? "true" : dnf.joined(separator: " && ")
        return "if command -v apt-get >/dev/null 2>&1; then \(aptScript); elif command -v dnf >/dev/null 2>&1; then \(dnfScript); "
            + "else echo 'PKG needs apt-get or dnf on the node' >&2; exit 127; fi"
    }
}
