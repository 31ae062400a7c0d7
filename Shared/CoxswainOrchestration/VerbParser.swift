/// Parses one job's verb and argument string, as written in an orchestration
/// (`RUN: --skip-cache echo hi`) or given to `coxswain exec --verb RUN 'echo hi'`.
///
/// Directord read every verb with argparse's `parse_known_args`, which found options anywhere
/// and silently dropped what it did not know. Coxswain keeps the same options (see
/// ``verbs`` and ``help(verb:)``) with these deliberate changes:
/// - `RUN` (and `ECHO`) read options only before the command: `RUN curl --retry 5 URL` keeps
///   `--retry 5` for curl (Directord took it as its own). The first word that is not one of
///   the verb's options — an unknown `--x` included — starts the command, which is kept
///   exactly as written (Directord re-joined its words with single spaces). `--` ends the
///   options explicitly.
/// - For the other verbs an unknown `--x` is an error instead of being dropped.
/// - `ADD`/`COPY` take several sources (Directord took one glob) and never split a Jinja
///   block on its spaces.
/// - `vars:` win over inline flags, as in Directord; a `vars:` key the verb does not have is
///   an error.
package enum VerbParser {
    /// The verbs Coxswain runs, in upper case. Verbs are matched without regard to case.
    package static let verbs: [String] = VerbSpec.catalog.map(\.name)

    /// Parses a job.
    ///
    /// - Parameters:
    ///   - verb: The verb as written (any case).
    ///   - arguments: The job's argument string.
    ///   - vars: The job's `vars:`, which win over inline options.
    ///   - location: Where the job is written, for errors.
    ///   - baseDirectory: The folder relative `ADD`/`COPY` sources start from (the
    ///     orchestration file's folder, or the CLI's working directory for an ad-hoc job);
    ///     `nil` leaves them relative.
    /// - Returns: The verb's call and the shared options. A job carrying `--exec-help` (or
    ///   `exec_help: true`) returns ``VerbCall/execHelp(verb:)`` without its operands checked.
    package static func parse(
        verb: String, arguments: String, vars: [String: YAMLValue] = [:], at location: SourceLocation, baseDirectory: String? = nil
    ) throws(OrchestrationError) -> (VerbCall, JobOptions) {
        guard let spec = VerbSpec.named(verb.trimmingWhitespace()) else {
            throw .unknownVerb(location, verb, known: verbs)
        }
        var parsed = ParsedArguments(spec: spec, location: location)
        try parsed.read(arguments)
        try parsed.apply(vars: vars)
        let options = try parsed.jobOptions()
        if options.execHelp { return (.execHelp(verb: spec.name), options) }
        return (try parsed.call(baseDirectory: baseDirectory), options)
    }

    /// The `--exec-help` text for a verb (any case): usage, what it does, and every option.
    /// For an unknown verb, a line listing the known ones.
    package static func help(verb: String) -> String {
        guard let spec = VerbSpec.named(verb.trimmingWhitespace()) else {
            return "unknown verb '\(verb)'; known verbs: \(verbs.joined(separator: ", "))"
        }
        return spec.help
    }
}
