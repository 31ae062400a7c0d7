/// A `coxswain_server` or `coxswain_clients` section of a merged catalog, checked: its targets
/// with their defaults applied, and its jobs (nested lists flattened) read but not rendered.
///
/// A section has `targets` (required, not empty), `jobs` (optional: without jobs its targets
/// are only visible to templates) and `args` (optional defaults for every target). Other keys
/// are left alone: they are still visible to templates, as Directord left them.
package struct CatalogSection: Sendable, Equatable {
    /// Which section this is.
    package var role: BootstrapRole
    /// The section's key as first written (`directord_clients`), for messages.
    package var spelling: String
    /// The targets, in order.
    package var targets: [CatalogTarget]
    /// The jobs, in order, nested lists flattened.
    package var jobs: [CatalogJob]

    /// Reads the section `entry` of a merged catalog.
    ///
    /// - Parameters:
    ///   - entry: The section's top-level entry.
    ///   - role: The section.
    ///   - defaultUsername: The SSH user of targets that name none (nor does `args`).
    /// - Throws: ``CatalogError/structure(_:_:)`` for a section that is not a map, has no
    ///   targets, or whose `args`, `targets` or `jobs` have the wrong shape; the errors of
    ///   ``CatalogTarget`` and ``CatalogJob``.
    package init(entry: CatalogNode.Entry, role: BootstrapRole, defaultUsername: String) throws(CatalogError) {
        let node = entry.value
        let name = entry.spelling
        guard node.entries != nil else {
            throw .structure(entry.keyOrigin, "'\(name)' must be a map with 'targets' and 'jobs', not \(node.shapeDescription)")
        }
        var args: [CatalogNode.Entry] = []
        if let argsNode = node["args"], !argsNode.isNull {
            guard let entries = argsNode.entries else {
                throw .structure(
                    argsNode.origin,
                    "'\(name).args' must be a map of target defaults such as '{port: 22, username: centos}', not \(argsNode.shapeDescription)")
            }
            args = entries
        }
        guard let targetsNode = node["targets"], !targetsNode.isNull else {
            throw .structure(entry.keyOrigin, "'\(name)' has no 'targets'; list the hosts to bootstrap, e.g. 'targets: [{host: 10.0.0.6}]'")
        }
        guard case .list(let targetNodes) = targetsNode.content else {
            throw .structure(
                targetsNode.origin, "'\(name).targets' must be a list of targets such as '- host: 10.0.0.6', not \(targetsNode.shapeDescription)")
        }
        guard !targetNodes.isEmpty else {
            throw .structure(targetsNode.origin, "'\(name).targets' is empty; list the hosts to bootstrap, e.g. '- host: 10.0.0.6'")
        }
        var targets: [CatalogTarget] = []
        for targetNode in targetNodes {
            targets.append(try CatalogTarget(node: targetNode, args: args, role: role, defaultUsername: defaultUsername))
        }
        var jobNodes: [CatalogNode] = []
        if let jobsNode = node["jobs"], !jobsNode.isNull {
            guard case .list = jobsNode.content else {
                throw .structure(
                    jobsNode.origin, "'\(name).jobs' must be a list of jobs such as '- RUN: echo hello', not \(jobsNode.shapeDescription)")
            }
            Self.flatten(jobsNode, into: &jobNodes)
        }
        var jobs: [CatalogJob] = []
        for jobNode in jobNodes {
            jobs.append(try CatalogJob(node: jobNode))
        }
        self.role = role
        self.spelling = name
        self.targets = targets
        self.jobs = jobs
    }

    /// Appends the items of a (possibly nested) list of jobs, depth first, as Directord's
    /// `bootstrap_flatten_jobs` did.
    private static func flatten(_ node: CatalogNode, into jobs: inout [CatalogNode]) {
        guard case .list(let items) = node.content else {
            jobs.append(node)
            return
        }
        for item in items { flatten(item, into: &jobs) }
    }
}
