import Stencil

/// Renders Jinja templates — Directord orchestrations, blueprint files and bootstrap catalogs —
/// with strict undefined variables: using a name or key the context does not have fails with
/// ``TemplateError/undefinedVariable(name:template:line:)`` instead of printing nothing.
///
/// Supported: `{{ }}`, `{% if/elif/else %}`, `{% for %}` (with `loop`, unpacking, `else` and an
/// `if` filter), `{% set %}`, `{% raw %}`, comments, whitespace control (`{{-`, `-%}`...),
/// Jinja's expressions (attributes, subscripts, slices, literals, arithmetic, comparisons, `in`,
/// `is` tests, inline `if`), `dict.items()/keys()/values()/get()`, common string methods and the
/// filters in `FilterLibrary`. Not supported: macros, `include`/`extends`/`import`, `call`
/// blocks, `with`, loop controls (`break`/`continue`), `recursive` loops, autoescaping.
///
/// Stencil provides the template structure (its `TokenParser`, `Context` scopes and text
/// nodes); Coxswain's scanner, expression parser and evaluator provide Jinja's syntax and Python's
/// semantics, which Stencil's own variables and `if` do not have.
package struct TemplateRenderer: Sendable {
    /// Jinja `Environment` options; the defaults are Jinja's (and so Directord's).
    package struct Options: Sendable, Equatable {
        /// Keep the template's final newline (Jinja `keep_trailing_newline`); off by default,
        /// as in Jinja, so one trailing newline of the template is dropped.
        package var keepTrailingNewline: Bool
        /// Drop the first newline after a `{% %}` tag or comment (Jinja `trim_blocks`; Ansible
        /// turns it on).
        package var trimBlocks: Bool
        /// Drop spaces and tabs before a `{% %}` tag or comment that starts a line (Jinja
        /// `lstrip_blocks`).
        package var lstripBlocks: Bool

        /// - Parameters:
        ///   - keepTrailingNewline: Keep the template's final newline.
        ///   - trimBlocks: Drop the first newline after a block tag.
        ///   - lstripBlocks: Drop the indentation before a block tag.
        package init(keepTrailingNewline: Bool = false, trimBlocks: Bool = false, lstripBlocks: Bool = false) {
            self.keepTrailingNewline = keepTrailingNewline
            self.trimBlocks = trimBlocks
            self.lstripBlocks = lstripBlocks
        }
    }

    /// How templates are scanned.
    package let options: Options

    /// A renderer with Jinja's default options.
    package init() {
        self.init(options: Options())
    }

    /// A renderer with the given options.
    package init(options: Options) {
        self.options = options
    }

    /// Renders `template` with `context`.
    ///
    /// - Parameters:
    ///   - template: Jinja source.
    ///   - name: Names the template in errors (a file name, or e.g. `orchestration job 3`).
    ///   - context: The variables the template reads.
    /// - Returns: The rendered text.
    /// - Throws: ``TemplateError`` for invalid syntax, an undefined variable, or a failing filter.
    package func render(_ template: String, name: String, context: [String: TemplateValue]) throws(TemplateError) -> String {
        try compile(template, name: name).render(context: context)
    }

    /// Parses `template` once so that it can be rendered many times (for each node of a job).
    ///
    /// Syntax errors, unknown tags, filters and tests fail here.
    package func compile(_ template: String, name: String) throws(TemplateError) -> CompiledTemplate {
        let segments = try TemplateScanner(options: options).scan(template, template: name)
        let session = JinjaTagLibrary.Session(template: name, segments: segments)
        var tokens: [Token] = []
        tokens.reserveCapacity(segments.count)
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .text(let text):
                tokens.append(.text(value: text, at: Self.sourceMap))
            case .output:
                tokens.append(.block(value: "\(JinjaTagLibrary.outputTag) \(index)", at: Self.sourceMap))
            case .tag(let tag, _, let line):
                guard JinjaTagLibrary.tagNames.contains(tag) else {
                    let message =
                        tag.isEmpty ? "a '{% %}' tag needs a name" : "unknown tag '\(tag)' (supported: if, elif, else, for, set, raw)"
                    throw .syntax(template: name, line: line, message: message)
                }
                tokens.append(.block(value: "\(tag) \(index)", at: Self.sourceMap))
            }
        }
        let environment = Environment(extensions: [JinjaTagLibrary(session: session)])
        do {
            let nodes = try TokenParser(tokens: tokens, environment: environment).parse()
            return CompiledTemplate(name: name, nodes: nodes, environment: environment)
        } catch {
            throw session.failure ?? .syntax(template: name, line: nil, message: "\(error)")
        }
    }

    /// Whether `text` needs rendering: it contains `{{` or `{%`.
    package func isTemplate(_ text: String) -> Bool {
        text.contains("{{") || text.contains("{%")
    }

    /// Stencil tokens need a source map, which only Stencil can create; locations come from
    /// the scanned segments instead, so one placeholder serves every token.
    private nonisolated(unsafe) static let sourceMap = Template(templateString: "{{ x }}").tokens[0].sourceMap
}
