import CoxswainTemplating

/// A target of a catalog section with its defaults applied: who to connect to, as whom, and
/// the variables its templates see as `coxswain_bootstrap`.
package struct CatalogTarget: Sendable, Equatable {
    /// The node name: the target's `name`, else `host`.
    package var name: String
    /// The address to connect to.
    package var host: String
    /// The SSH port: `port`, else the section's `args.port`, else 22.
    package var port: Int
    /// The SSH user: `username`, else the section's `args.username`, else the caller's default.
    package var username: String
    /// The stored SSH credential to use: `credential`, else the section's `args.credential`.
    package var credential: String?
    /// The section the target belongs to.
    package var role: BootstrapRole
    /// Where the target was written.
    package var origin: CatalogOrigin
    /// The section's `args` merged with the target's own keys (the target's win), with
    /// `name`, `host`, `port`, `username` and `credential` set to the values above.
    package var variables: [String: TemplateValue]

    /// Reads a target map of a section.
    ///
    /// - Parameters:
    ///   - node: The target as written (`{host: 10.0.0.6, name: web-1}`).
    ///   - args: The entries of the section's `args` map.
    ///   - role: The section.
    ///   - defaultUsername: The user when neither the target nor `args` names one.
    /// - Throws: ``CatalogError/structure(_:_:)`` for a target that is not a map, has no
    ///   `host`, or has a port that is not a number from 1 to 65535 or a name, user or
    ///   credential that is not text.
    package init(node: CatalogNode, args: [CatalogNode.Entry], role: BootstrapRole, defaultUsername: String) throws(CatalogError) {
        let origin = node.origin
        guard let entries = node.entries else {
            throw .structure(origin, "a target must be a map such as '{host: 10.0.0.6}', not \(node.shapeDescription)")
        }
        var variables: [String: TemplateValue] = [:]
        var nodes: [String: CatalogNode] = [:]
        for entry in args + entries where !entry.value.isNull {
            variables[entry.key] = entry.value.templateValue
            nodes[entry.key] = entry.value
        }
        guard let hostNode = entries.last(where: { $0.key == "host" })?.value, let host = hostNode.scalarText, !host.isEmpty else {
            throw .structure(origin, "the target has no 'host'; give each target the address to connect to, e.g. '- host: 10.0.0.6'")
        }
        self.host = host
        self.name = try Self.text(entries.last { $0.key == "name" && !$0.value.isNull }?.value, key: "name", at: origin) ?? host
        self.username = try Self.text(nodes["username"], key: "username", at: origin) ?? defaultUsername
        self.credential = try Self.text(nodes["credential"], key: "credential", at: origin)
        self.port = 22
        if let portNode = nodes["port"] {
            guard case .scalar(let scalar) = portNode.content, let port = Int(scalar.text), (1...65535).contains(port) else {
                throw .structure(portNode.origin, "'port' must be a number from 1 to 65535, not \(portNode.shapeDescription)")
            }
            self.port = port
        }
        self.role = role
        self.origin = origin
        variables["name"] = .string(name)
        variables["host"] = .string(host)
        variables["port"] = .int(port)
        variables["username"] = .string(username)
        if let credential { variables["credential"] = .string(credential) }
        self.variables = variables
    }

    private static func text(_ node: CatalogNode?, key: String, at origin: CatalogOrigin) throws(CatalogError) -> String? {
        guard let node else { return nil }
        guard case .scalar = node.content, let text = node.scalarText, !text.isEmpty else {
            throw .structure(node.origin, "'\(key)' must be text, not \(node.shapeDescription)")
        }
        return text
    }
}
