import CoxswainTemplating

/// One or more bootstrap catalog files, merged: the `coxswain_server` and `coxswain_clients`
/// sections (each with `args`, `targets` and `jobs`) and any other top-level keys, which are
/// free-form variables for templates.
///
/// ```yaml
/// coxswain_server:            # alias: directord_server
///   targets:
///   - host: 10.0.0.5
///     port: 22                # default: args.port, else 22
///     username: centos        # default: args.username, else the bootstrapper's user
///   jobs: [...]
/// coxswain_clients:           # alias: directord_clients
///   args: {port: 22, username: centos}    # defaults (and variables) for every target
///   targets:
///   - host: 10.0.0.6
///     name: web-1             # default: host
///   jobs:
///   - ADD: files/setup.sh setup.sh
///   - RUN: sudo bash setup.sh {{ coxswain_server.targets[0].host }}
///   - GET: /etc/thing.conf thing.conf
/// deployer: {install_dir: /opt/coxswain}
/// ```
///
/// Files are merged in order as Directord merged them (see ``CatalogNode/merged(with:)``):
/// maps recursively, lists extended, scalars replaced by the later file. The `directord_`
/// spellings are read as the `coxswain_` ones, so both spellings in different files merge
/// together. Every node keeps the file and line that wrote it. Reading a catalog only checks
/// the YAML; ``CatalogPlanner`` checks sections, targets and jobs.
package struct Catalog: Sendable, Equatable {
    /// The variables that hold the current target during rendering; a top-level key with one
    /// of these names is hidden by them.
    package static let targetVariables = ["coxswain_bootstrap", "directord_bootstrap"]

    /// The merged top level: always a map.
    package internal(set) var root: CatalogNode
    /// The files merged in, in order, as their paths were given.
    package internal(set) var files: [String]

    /// A catalog with nothing in it, to merge files into.
    package init() {
        root = .emptyMap(origin: CatalogOrigin(file: "<catalog>"), directory: "/")
        files = []
    }

    /// The section of `role`, with the key that introduced it (its spelling and origin), if
    /// any catalog has it.
    package func section(_ role: BootstrapRole) -> CatalogNode.Entry? {
        root.entries?.first { $0.key == role.sectionKey }
    }

    /// Merges `other` into this catalog: its maps merge into these, its lists extend these,
    /// its scalars replace these.
    package mutating func merge(_ other: Catalog) {
        root = files.isEmpty && (root.entries?.isEmpty ?? true) ? other.root : root.merged(with: other.root)
        files += other.files
    }

    /// This catalog with `other` merged into it.
    package func merging(_ other: Catalog) -> Catalog {
        var result = self
        result.merge(other)
        return result
    }

    /// The merged catalog as template variables: every top-level key, with each section under
    /// both of its spellings (`coxswain_server` and `directord_server`...).
    package var variables: [String: TemplateValue] {
        var variables: [String: TemplateValue] = [:]
        for entry in root.entries ?? [] {
            variables[entry.key] = entry.value.templateValue
        }
        for role in BootstrapRole.allCases {
            if let value = variables[role.sectionKey] { variables[role.directordKey] = value }
        }
        return variables
    }
}
