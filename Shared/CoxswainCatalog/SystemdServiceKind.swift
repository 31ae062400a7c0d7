/// The Coxswain executables that run as systemd services.
package enum SystemdServiceKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// `coxswain-gateway`: the HTTP API and the operators' UNIX socket.
    case gateway
    /// `coxswain-scheduler`: plans jobs onto nodes.
    case scheduler
    /// `coxswain-deployer`: the agent on each node.
    case deployer
    /// `coxswain-audit`: records the audit log.
    case audit
    /// `coxswain-bootstrapper`: runs catalog bootstraps over SSH.
    case bootstrapper

    /// The executable's name: `coxswain-gateway`.
    package var executableName: String { "coxswain-\(rawValue)" }

    /// The unit's `Description=`.
    package var summary: String {
        switch self {
        case .gateway: "Coxswain gateway (HTTP API and operator socket)"
        case .scheduler: "Coxswain scheduler"
        case .deployer: "Coxswain deployer (node agent)"
        case .audit: "Coxswain audit log"
        case .bootstrapper: "Coxswain bootstrapper (SSH catalog bootstraps)"
        }
    }

    /// The open-file limit: 16384 for the deployer, 65536 for the others.
    package var openFileLimit: Int {
        self == .deployer ? 16384 : 65536
    }
}
