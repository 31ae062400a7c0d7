/// Why bootstrap catalogs could not be read or planned. Every case is permanent: a catalog
/// file (or a file it names) must change. Descriptions name the file and line (and, for
/// templates, the target), say what to change, and never include more of a catalog than the
/// offending words.
package enum CatalogError: Error, CustomStringConvertible, Equatable {
    /// No catalog file was given.
    case noCatalogFiles
    /// A catalog file could not be read (missing, unreadable, not UTF-8).
    case unreadableFile(path: String, reason: String)
    /// The text is not valid YAML. `line`/`column` are 1-based, from libyaml.
    case yaml(file: String, line: Int?, column: Int?, problem: String)
    /// A value has the wrong shape: the top level is not a map, a section has no targets, a
    /// target has no host, a port is not a number, a job is not a map.
    case structure(CatalogOrigin, String)
    /// None of the catalogs has a `coxswain_server` or `coxswain_clients` section (nor their
    /// `directord_` spellings).
    case noSections(files: [String])
    /// The catalogs have targets but no jobs to run on any of them.
    case noJobs(files: [String])
    /// A job's verb is not one the bootstrapper runs. `known` lists the verbs that are.
    case unknownVerb(CatalogOrigin, verb: String, known: [String])
    /// A job's operands are wrong: a `RUN` with no command, an `ADD` without a source and a
    /// destination, a bad `--chmod` mode, a path that renders empty.
    case badJob(CatalogOrigin, verb: String, String)
    /// A template used a variable the catalogs do not define. `target` names the target whose
    /// rendering failed (`nil` for an `ADD` source, which is rendered once for all targets);
    /// `templateLine` is the line within a multi-line template.
    case undefinedVariable(CatalogOrigin, verb: String, target: String?, variable: String, templateLine: Int?)
    /// A template is not valid Jinja or failed while rendering (a filter given the wrong value,
    /// a comparison of text with a number). `message` is the template engine's explanation.
    case template(CatalogOrigin, verb: String, target: String?, message: String)
    /// An `ADD`/`COPY` source uses the per-target variable (`coxswain_bootstrap` or
    /// `directord_bootstrap`), but sources are resolved once, on the submitting machine.
    case targetVariableInSource(CatalogOrigin, verb: String, variable: String)
    /// An `ADD`/`COPY` source is not a readable regular file. `path` is the resolved path.
    case missingSource(CatalogOrigin, verb: String, source: String, path: String, reason: String)

    /// What went wrong, where, and what to change; safe to log.
    package var description: String {
        switch self {
        case .noCatalogFiles:
            return "no catalog file given; pass one or more with '--catalog FILE'"
        case .unreadableFile(let path, let reason):
            return "cannot read catalog file \(path): \(reason)"
        case .yaml(let file, let line, let column, let problem):
            return "\(file)\(line.map { ":\($0)" } ?? "")\(column.map { ":\($0)" } ?? ""): invalid YAML: \(problem); fix the file's syntax"
        case .structure(let origin, let message):
            return "\(origin): \(message)"
        case .noSections(let files):
            return "no 'coxswain_server' or 'coxswain_clients' section (or 'directord_server'/'directord_clients') in "
                + "\(Self.list(files)); a catalog needs at least one, with 'targets' and 'jobs'"
        case .noJobs(let files):
            return "the catalogs (\(Self.list(files))) have targets but no jobs; add a 'jobs' list to 'coxswain_server' or "
                + "'coxswain_clients', or pass the catalog file that has them with another '--catalog'"
        case .unknownVerb(let origin, let verb, let known):
            return "\(origin): unknown verb '\(verb)'; a job is one of \(known.joined(separator: ", ")) (optionally with 'name')"
        case .badJob(let origin, let verb, let message):
            return "\(origin): \(verb): \(message)"
        case .undefinedVariable(let origin, let verb, let target, let variable, let templateLine):
            let place = templateLine.flatMap { $0 > 1 ? " (line \($0) of the template)" : nil } ?? ""
            return "\(origin): \(verb)\(Self.target(target)): '\(variable)' is undefined\(place); define it in a catalog "
                + "file or guard it with '| default(...)' or 'is defined'"
        case .template(let origin, let verb, let target, let message):
            return "\(origin): \(verb)\(Self.target(target)): \(message)"
        case .targetVariableInSource(let origin, let verb, let variable):
            return "\(origin): \(verb): the source uses '\(variable)', but sources are read on this machine before any "
                + "target is contacted, so they may only use catalog variables; use the target's variables in the destination"
        case .missingSource(let origin, let verb, let source, let path, let reason):
            let resolved = source == path ? path : "'\(source)' (\(path))"
            return "\(origin): \(verb): source \(resolved) \(reason); relative sources start at the catalog file's folder"
        }
    }

    /// Catalog errors never go away by retrying.
    package var isRetriable: Bool { false }

    private static func target(_ name: String?) -> String {
        name.map { " for target '\($0)'" } ?? ""
    }

    private static func list(_ files: [String]) -> String {
        files.isEmpty ? "the catalogs" : files.joined(separator: ", ")
    }
}
