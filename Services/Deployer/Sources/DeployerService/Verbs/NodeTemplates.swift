import CoxswainTemplating

/// The node's args as a template context for one job, read once and only when a field really is
/// a template (most RUNs are plain shell). Rendering is strict: an undefined variable fails the job.
final class NodeTemplates {
    let store: NodeStore
    /// The template's name in errors: the job's verb.
    let name: String
    let renderer: TemplateRenderer
    let fileRenderer: TemplateRenderer
    private var args: [String: TemplateValue]?

    init(store: NodeStore, name: String, renderer: TemplateRenderer, fileRenderer: TemplateRenderer) {
        self.store = store
        self.name = name
        self.renderer = renderer
        self.fileRenderer = fileRenderer
    }

    /// A verb's field: returned as is unless it holds template syntax.
    func render(_ text: String) async throws -> String {
        guard renderer.isTemplate(text) else { return text }
        return try renderer.render(text, name: name, context: try await nodeArgs())
    }

    /// A `--blueprint` file's content (always rendered; its final newline kept).
    func renderFile(_ text: String, name: String) async throws -> String {
        try fileRenderer.render(text, name: name, context: try await nodeArgs())
    }

    private func nodeArgs() async throws -> [String: TemplateValue] {
        if let args { return args }
        let loaded = try await store.args()
        args = loaded
        return loaded
    }
}
