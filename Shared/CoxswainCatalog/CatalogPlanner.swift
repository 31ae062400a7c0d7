import CoxswainTemplating

/// Turns merged catalogs into a ``BootstrapPlan``, checking everything that can be checked
/// before any SSH connection: section and target shapes, verbs and operands, every template
/// rendered for every target (strict undefined variables), and every local `ADD` source.
///
/// Templates (Jinja, as in Directord) see the whole merged catalog, with each section under both
/// spellings and its `targets` with their defaults applied, plus `coxswain_bootstrap` (alias
/// `directord_bootstrap`): the current target's `name`, `host`, `port`, `username`,
/// `credential` (when set), its other keys and its section's `args`, and the section's `jobs`.
/// `RUN` commands, `ADD`/`COPY` destinations and `GET` paths are rendered for each target;
/// `ADD`/`COPY` sources are rendered once, without the target variable, because the
/// submitting machine reads them before contacting any target.
///
/// A relative source starts at the folder of the catalog file that wrote the job. A source
/// that is exactly the local name of a `GET` that runs before it (on an earlier server, or
/// earlier on the same host) is that downloaded file (``BootstrapSource/fetched(localName:)``),
/// as in Directord catalogs that fetch keys from the server and add them to the clients; any
/// other source must be a readable local file, and its mode is the upload's default mode.
///
/// A section whose targets have no jobs contributes no hosts (its targets remain visible to
/// templates); catalogs with no jobs at all are an error.
package struct CatalogPlanner: Sendable {
    /// The SSH user of targets that name none, nor does their section's `args` (Directord used
    /// the user running the bootstrap).
    package var defaultUsername: String
    /// The template engine; Directord's options by default (the template's final newline kept).
    package var renderer: TemplateRenderer
    /// Extra per-target variables under `coxswain_bootstrap` (a target's own keys win), e.g.
    /// the enrolment-token placeholder the Bootstrapper fills in per host.
    package var targetExtras: [String: TemplateValue] = [:]

    /// A planner.
    ///
    /// - Parameters:
    ///   - defaultUsername: The SSH user of targets that name none.
    ///   - renderer: The template engine.
    package init(defaultUsername: String, renderer: TemplateRenderer = TemplateRenderer(options: .init(keepTrailingNewline: true))) {
        self.defaultUsername = defaultUsername
        self.renderer = renderer
    }

    /// Plans the bootstrap of `catalog`.
    ///
    /// - Returns: Servers then clients, each with its rendered steps, and the local sources.
    /// - Throws: ``CatalogError``: the first problem found, naming its file and line.
    package func plan(_ catalog: Catalog) throws(CatalogError) -> BootstrapPlan {
        var sections: [CatalogSection] = []
        for role in BootstrapRole.allCases {
            guard let entry = catalog.section(role) else { continue }
            sections.append(try CatalogSection(entry: entry, role: role, defaultUsername: defaultUsername))
        }
        guard !sections.isEmpty else { throw .noSections(files: catalog.files) }

        let variables = Self.variables(of: catalog, sections: sections)
        var hosts: [BootstrapHost] = []
        var serverDownloads: Set<String> = []
        var sourceFiles: [String: Result<CatalogSourceFile, CatalogSourceFile.Problem>] = [:]
        for section in sections where !section.jobs.isEmpty {
            var jobs: [CompiledJob] = []
            for job in section.jobs {
                jobs.append(try CompiledJob(job, renderer: renderer, catalogVariables: variables))
            }
            let jobValues = TemplateValue.list(section.jobs.map(\.value))
            for target in section.targets {
                var context = variables
                var bootstrap = target.variables
                bootstrap["jobs"] = jobValues
                for (key, value) in targetExtras where bootstrap[key] == nil { bootstrap[key] = value }
                for key in Catalog.targetVariables { context[key] = .map(bootstrap) }
                var downloads = serverDownloads
                var steps: [BootstrapStep] = []
                for job in jobs {
                    steps.append(try step(job, target: target, context: context, downloads: &downloads, sourceFiles: &sourceFiles))
                }
                if section.role == .server { serverDownloads = downloads }
                hosts.append(
                    BootstrapHost(
                        name: target.name, host: target.host, port: target.port, username: target.username, credential: target.credential,
                        role: section.role, steps: steps))
            }
        }
        guard !hosts.isEmpty else { throw .noJobs(files: catalog.files) }
        return BootstrapPlan(hosts: hosts)
    }

    /// The catalog's variables with each section's targets replaced by the checked targets,
    /// and without the per-target variables.
    private static func variables(of catalog: Catalog, sections: [CatalogSection]) -> [String: TemplateValue] {
        var variables = catalog.variables
        for key in Catalog.targetVariables { variables[key] = nil }
        for section in sections {
            guard case .map(var value) = variables[section.role.sectionKey] else { continue }
            value["targets"] = .list(section.targets.map { .map($0.variables) })
            variables[section.role.sectionKey] = .map(value)
            variables[section.role.directordKey] = .map(value)
        }
        return variables
    }

    /// Renders one job for one target.
    private func step(
        _ compiled: CompiledJob, target: CatalogTarget, context: [String: TemplateValue], downloads: inout Set<String>,
        sourceFiles: inout [String: Result<CatalogSourceFile, CatalogSourceFile.Problem>]
    ) throws(CatalogError) -> BootstrapStep {
        let job = compiled.job
        let verb = job.verb.rawValue
        let action: BootstrapAction
        let detail: String
        switch compiled.templates {
        case .run(let template):
            let command = try compiled.render(template, context: context, target: target.name)
            guard !command.allSatisfy(\.isWhitespace) else {
                throw .badJob(job.origin, verb: verb, "the command renders empty for target '\(target.name)'")
            }
            action = .run(command: command)
            detail = command
        case .transfer(let source, let destinationTemplate, let explicitMode):
            let destination = try compiled.render(destinationTemplate, context: context, target: target.name)
            guard !destination.isEmpty else {
                throw .badJob(job.origin, verb: verb, "the destination renders empty for target '\(target.name)'")
            }
            if downloads.contains(source) {
                action = .upload(source: .fetched(localName: source), destination: destination, mode: explicitMode)
            } else {
                let path = CatalogPath.resolve(source, against: job.directory)
                let inspected = sourceFiles[path] ?? CatalogSourceFile.inspect(path)
                sourceFiles[path] = inspected
                switch inspected {
                case .success(let file):
                    action = .upload(source: .path(path), destination: destination, mode: explicitMode ?? file.mode)
                case .failure(let problem):
                    throw .missingSource(job.origin, verb: verb, source: source, path: path, reason: problem.reason)
                }
            }
            detail = "\(source) → \(destination)"
        case .get(let remoteTemplate, let localNameTemplate):
            let remote = try compiled.render(remoteTemplate, context: context, target: target.name)
            guard !remote.isEmpty else {
                throw .badJob(job.origin, verb: verb, "the remote path renders empty for target '\(target.name)'")
            }
            let localName =
                try localNameTemplate.map { (template) throws(CatalogError) in
                    try compiled.render(template, context: context, target: target.name)
                } ?? CatalogPath.lastComponent(remote)
            guard !localName.isEmpty else {
                throw .badJob(job.origin, verb: verb, "no local name for '\(remote)' (target '\(target.name)'); write 'GET REMOTE_PATH LOCAL_NAME'")
            }
            guard !CatalogPath.goesUp(localName) else {
                throw .badJob(job.origin, verb: verb, "the local name '\(localName)' goes up with '..'; downloads stay in the run's artifacts")
            }
            downloads.insert(localName)
            action = .download(remote: remote, localName: localName)
            detail = "\(remote) → \(localName)"
        }
        return BootstrapStep(action: action, origin: job.origin, label: Self.label(verb: verb, detail: detail, name: job.name), name: job.name)
    }

    /// The longest label, in characters.
    static let labelLength = 72

    /// The job's name, or the verb and the first line of its rendered operands, shortened.
    static func label(verb: String, detail: String, name: String?) -> String {
        var text: String
        if let name, !name.isEmpty {
            text = name
        } else {
            let lines = detail.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            text = "\(verb) \(lines.first ?? "")"
            if lines.count > 1 { text += " …" }
        }
        if text.count > labelLength { text = String(text.prefix(labelLength - 1)) + "…" }
        return text
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespace })!
        return String(self[start...end])
    }
}
