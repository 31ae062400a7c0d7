import CoxswainCore
import Foundation

/// Who is making a request, in which team, with which role.
package struct Principal: Sendable, Equatable {
    package enum Credential: Sendable, Equatable {
        /// A local operator on the UNIX socket, with the peer's uid (SO_PEERCRED).
        case socket(uid: UInt32?)
        case token(id: UUID)
        case session(id: UUID)
        /// A deploy token: it may deploy (and read) one deployment and nothing else.
        case deployToken(id: UUID, name: String, deployment: UUID)
    }

    package var credential: Credential
    package var teamID: TeamID
    package var teamName: String
    package var role: Role
    package var userID: UUID?
    package var userName: String?

    /// How the actor appears on jobs and in the audit log: `uid:1000`, `alice (token 3f2a…)`, `alice (session)`.
    package var actor: String {
        switch credential {
        case .socket(let uid): "local:uid:\(uid.map(String.init) ?? "unknown")"
        case .token(let id): "\(userName ?? "?") (token \(id.uuidString.lowercased().prefix(8)))"
        case .session: "\(userName ?? "?") (session)"
        case .deployToken(_, let name, _): "deploy-token:\(name)"
        }
    }
}
