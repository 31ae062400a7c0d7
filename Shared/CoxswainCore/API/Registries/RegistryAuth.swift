/// Registry credentials handed to a node for one task: JSON in the task's secret environment under
/// ``environmentKey``, so they travel encrypted at rest and sealed to that node's key inside the
/// signed batch, like every job secret. The node gives them to its engine for a pull or push.
///
/// The password is **secret**: ``description`` leaves it out.
public struct RegistryAuth: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The secret environment variable that carries it (never visible to RUN: container verbs only).
    public static let environmentKey = "COXSWAIN_REGISTRY_AUTH"

    public var username: String
    /// Password or token. **Secret.**
    public var password: String
    /// `host[:port]` the credentials are for, without a scheme.
    public var serverAddress: String

    public init(username: String, password: String, serverAddress: String) {
        self.username = username
        self.password = password
        self.serverAddress = serverAddress
    }

    public var description: String { "\(username)@\(serverAddress)" }
}
