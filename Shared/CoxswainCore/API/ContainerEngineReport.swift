/// The container engine a node drives (its heartbeat reports it; `GET /v1/nodes` and
/// `coxswain manage --list-nodes` show it): a Docker-compatible Engine API on a UNIX socket, or none
/// with the reason.
public struct ContainerEngineReport: Codable, Sendable, Equatable {
    /// `podman`, `docker`, `unknown` (an engine that answers the API but names neither), or `none`.
    public var kind: String
    /// The engine's own version (`4.3.1`).
    public var version: String?
    /// The Engine API version it serves (`1.41`).
    public var apiVersion: String?
    /// The socket the node tried.
    public var socket: String?
    /// Why there is no engine (`kind == "none"`).
    public var problem: String?

    public init(kind: String, version: String? = nil, apiVersion: String? = nil, socket: String? = nil, problem: String? = nil) {
        self.kind = kind
        self.version = version
        self.apiVersion = apiVersion
        self.socket = socket
        self.problem = problem
    }

    /// No engine: `problem` says why (no socket, the socket refused, the API answered nonsense).
    public static func none(socket: String?, problem: String) -> ContainerEngineReport {
        ContainerEngineReport(kind: "none", socket: socket, problem: problem)
    }

    /// One line for tables: `podman 4.3.1 (API 1.41)` or `none: <problem>`.
    public var summary: String {
        if kind == "none" { return "none" + (problem.map { ": \($0)" } ?? "") }
        return [kind, version, apiVersion.map { "(API \($0))" }].compactMap { $0 }.joined(separator: " ")
    }

    /// Whether its strings fit what the store keeps (a node reports it; it is untrusted).
    public var isWithinBounds: Bool {
        [kind, version ?? "", apiVersion ?? "", socket ?? ""].allSatisfy { $0.utf8.count <= 256 } && (problem ?? "").utf8.count <= 1024
    }
}
