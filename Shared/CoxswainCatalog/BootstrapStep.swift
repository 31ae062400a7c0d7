/// One planned, fully rendered step of a host's bootstrap.
package struct BootstrapStep: Sendable, Equatable, Hashable, Codable {
    /// What the step does.
    package var action: BootstrapAction
    /// The catalog file and line of the job that produced the step.
    package var origin: CatalogOrigin
    /// A short, one-line label for progress output: the job's `name` when it has one,
    /// otherwise the verb and its rendered operands (`RUN sudo bash setup.sh 10.0.0.5`),
    /// shortened with `…`.
    package var label: String
    /// The job's `name:`, when it has one.
    package var name: String?

    /// A step; `label` is shown to operators.
    package init(action: BootstrapAction, origin: CatalogOrigin, label: String, name: String? = nil) {
        self.action = action
        self.origin = origin
        self.label = label
        self.name = name
    }
}
