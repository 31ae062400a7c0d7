import CoxswainTemplating

/// A catalog job with its operand templates compiled, and its `ADD`/`COPY` source already
/// rendered (sources use catalog variables only, so they are the same for every target).
struct CompiledJob: Sendable {
    /// The operand templates of a job.
    enum Templates: Sendable {
        /// `RUN`: the command.
        case run(command: CompiledTemplate)
        /// `ADD`/`COPY`: the rendered source, the destination template and the `--chmod` mode.
        case transfer(source: String, destination: CompiledTemplate, mode: UInt32?)
        /// `GET`: the remote path and, when written, the local name.
        case get(remote: CompiledTemplate, localName: CompiledTemplate?)
    }

    /// The job as read.
    var job: CatalogJob
    /// Its templates.
    var templates: Templates

    /// Compiles `job`'s templates and renders its source with `catalogVariables`.
    ///
    /// - Throws: ``CatalogError/template(_:verb:target:message:)`` for invalid Jinja,
    ///   ``CatalogError/targetVariableInSource(_:verb:variable:)`` or
    ///   ``CatalogError/undefinedVariable(_:verb:target:variable:templateLine:)`` for a source
    ///   that uses what catalog variables do not define, ``CatalogError/badJob(_:verb:_:)`` for
    ///   a source that renders empty.
    init(_ job: CatalogJob, renderer: TemplateRenderer, catalogVariables: [String: TemplateValue]) throws(CatalogError) {
        self.job = job
        switch job.operation {
        case .run(let command):
            templates = .run(command: try Self.compile(command, "command", job, renderer))
        case .transfer(let sourceText, let destinationText, let mode):
            let sourceTemplate = try Self.compile(sourceText, "source", job, renderer)
            let source: String
            do {
                source = try sourceTemplate.render(context: catalogVariables)
            } catch {
                if case .undefinedVariable(let name, _, _) = error, Self.isTargetVariable(name) {
                    throw .targetVariableInSource(job.origin, verb: job.verb.rawValue, variable: name)
                }
                throw Self.failure(error, job, target: nil)
            }
            guard !source.isEmpty else {
                throw .badJob(job.origin, verb: job.verb.rawValue, "the source '\(sourceText)' renders empty")
            }
            templates = .transfer(source: source, destination: try Self.compile(destinationText, "destination", job, renderer), mode: mode)
        case .get(let remote, let localName):
            templates = .get(
                remote: try Self.compile(remote, "remote path", job, renderer),
                localName: try localName.map { (text) throws(CatalogError) in try Self.compile(text, "local name", job, renderer) })
        }
    }

    /// Renders one of the job's templates for `target`.
    func render(_ template: CompiledTemplate, context: [String: TemplateValue], target: String) throws(CatalogError) -> String {
        do {
            return try template.render(context: context)
        } catch {
            throw Self.failure(error, job, target: target)
        }
    }

    /// A template error as a catalog error at the job's origin.
    static func failure(_ error: TemplateError, _ job: CatalogJob, target: String?) -> CatalogError {
        if case .undefinedVariable(let name, _, let line) = error {
            return .undefinedVariable(job.origin, verb: job.verb.rawValue, target: target, variable: name, templateLine: line)
        }
        return .template(job.origin, verb: job.verb.rawValue, target: target, message: error.description)
    }

    /// Whether the undefined expression `name` reads the per-target variable
    /// (`coxswain_bootstrap.host`, `directord_bootstrap['name']`).
    static func isTargetVariable(_ name: String) -> Bool {
        Catalog.targetVariables.contains { variable in
            guard name.hasPrefix(variable) else { return false }
            let rest = name.dropFirst(variable.count)
            return rest.isEmpty || rest.first == "." || rest.first == "["
        }
    }

    private static func compile(_ text: String, _ part: String, _ job: CatalogJob, _ renderer: TemplateRenderer) throws(CatalogError)
        -> CompiledTemplate
    {
        do {
            return try renderer.compile(text, name: part)
        } catch {
            throw failure(error, job, target: nil)
        }
    }
}
