/// A job verb (Directord's vocabulary). The Gateway accepts only verbs listed here; the Deployer
/// executes them through its table of verb handlers, so a new verb is one case here plus one handler.
public enum Verb: String, Codable, Sendable, CaseIterable {
    /// Runs a shell command (`/bin/sh -c`) with a timeout that kills its process group.
    case run = "RUN"
    /// Returns its argument as output; touches nothing on the node.
    case echo = "ECHO"
    /// Makes the node generate new key pairs and report the public halves (admins only; `coxswain node rekey`).
    case rekey = "REKEY"

    /// Parses a verb case-insensitively (`run`, `RUN`).
    public init?(parsing raw: String) {
        self.init(rawValue: raw.uppercased())
    }

    /// One line of help, shown by the CLI and in API errors.
    public var summary: String {
        switch self {
        case .run: "RUN CMD: run CMD with /bin/sh -c on each target"
        case .echo: "ECHO TEXT: return TEXT from each target"
        case .rekey: "REKEY: the node generates new key pairs (admins; use `coxswain node rekey NAME`)"
        }
    }
}
