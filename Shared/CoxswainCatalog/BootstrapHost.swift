/// A host to bootstrap over SSH, with its connection details and its steps in order.
package struct BootstrapHost: Sendable, Equatable, Hashable, Codable {
    /// The node name (the target's `name`, defaulting to its `host`).
    package var name: String
    /// The address to connect to.
    package var host: String
    /// The SSH port.
    package var port: Int
    /// The SSH user.
    package var username: String
    /// The name of a stored SSH credential to connect with; `nil` for the bootstrapper's default.
    package var credential: String?
    /// Which section the host comes from.
    package var role: BootstrapRole
    /// The steps, in order; the host fails at the first step that fails.
    package var steps: [BootstrapStep]

    /// A host with its connection details and steps.
    package init(name: String, host: String, port: Int, username: String, credential: String? = nil, role: BootstrapRole, steps: [BootstrapStep]) {
        self.name = name
        self.host = host
        self.port = port
        self.username = username
        self.credential = credential
        self.role = role
        self.steps = steps
    }
}
