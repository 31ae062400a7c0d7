/// One thing wrong with a container configuration: the field's path and what is wrong, e.g.
/// `images[web].ports[0].external: 70000 is not a port (1-65535)`.
public struct ConfigProblem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    /// The field, from the root the caller named: `images[web].environment.PORT`, `ports[0].external`.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
