import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves a request's credential to a `Principal`:
/// - on the UNIX socket: the configured local operator (default: owner of the default team), with
///   the peer's uid from SO_PEERCRED — who may connect is decided by the socket's mode and group;
/// - `Authorization: Bearer <token>`: an API token (its team; role capped by the user's role);
/// - a session (cookie `coxswain_session` or `Authorization: Session <secret>`), with the team named
///   in `X-Coxswain-Team` or the user's only team.
package struct Authenticator: Sendable {
    let access: AccessRepository
    /// Resolves deploy tokens (`cxd_…`); nil: none are accepted.
    let deployTokens: DeliveryRepository?
    let localTeam: String
    let localRole: Role
    /// Bounds the password work (logins, invitations, new users) strangers can trigger.
    let passwords: PasswordGuard
    /// The local team's id, looked up once (teams are never renamed).
    private let localTeamID = TeamIDBox()

    package init(
        access: AccessRepository, localTeam: String, localRole: Role, passwords: PasswordGuard = PasswordGuard(maximumConcurrent: 2, attemptsPerMinute: 10),
        deployTokens: DeliveryRepository? = nil
    ) {
        self.access = access
        self.deployTokens = deployTokens
        self.localTeam = localTeam
        self.localRole = localRole
        self.passwords = passwords
    }

    package static let sessionCookie = "coxswain_session"
    package static let teamHeader = HTTPField.Name("X-Coxswain-Team")!

    package func authenticate(_ request: Request, context: GatewayRequestContext) async throws -> Principal? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            switch parts[0].lowercased() {
            case "bearer":
                if parts[1].hasPrefix(DeployTokenInfo.prefix) {
                    guard let deployTokens, let t = try await deployTokens.resolveDeployToken(hash: Tokens.hash(parts[1])) else { return nil }
                    return Principal(
                        credential: .deployToken(id: t.id, name: t.name, deployment: t.deploymentID), teamID: t.teamID, teamName: t.teamName,
                        role: .member, userID: nil, userName: nil)
                }
                guard let r = try await access.resolveToken(hash: Tokens.hash(parts[1])) else { return nil }
                return Principal(
                    credential: .token(id: r.credentialID), teamID: r.teamID, teamName: r.teamName, role: r.role, userID: r.userID, userName: r.userName)
            case "session":
                return try await session(parts[1], request: request)
            default:
                return nil
            }
        }
        if let cookie = Self.cookie(Self.sessionCookie, in: request.headers[.cookie]) {
            return try await session(cookie, request: request)
        }
        if context.viaSocket {
            let uid = await Self.peerUID(context.channel)
            var team = localTeamID.value
            if team == nil {
                team = try await access.teamID(named: localTeam)
                localTeamID.value = team
            }
            guard let team else { return nil }
            return Principal(credential: .socket(uid: uid), teamID: team, teamName: localTeam, role: localRole, userID: nil, userName: nil)
        }
        return nil
    }

    func session(_ secret: String, request: Request) async throws -> Principal? {
        guard let s = try await access.resolveSession(hash: Tokens.hash(secret)) else { return nil }
        guard let m = try await access.membership(user: s.userID, teamName: request.headers[Self.teamHeader]) else { return nil }
        return Principal(
            credential: .session(id: s.sessionID), teamID: TeamID(m.teamID), teamName: m.team, role: m.role, userID: s.userID, userName: s.userName)
    }

    /// The value of cookie `name` in a `Cookie` header (the first non-empty one; values are not
    /// decoded). The API's session cookie and the web UI's cookies are read here.
    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2, pair[0] == name, !pair[1].isEmpty { return String(pair[1]) }
        }
        return nil
    }

    /// The connecting process's uid on a UNIX socket (SO_PEERCRED), or nil when unavailable.
    static func peerUID(_ channel: any Channel) async -> UInt32? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let credentials: PeerCredentials? = try? await provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED)
        ).get()
        return credentials.map { $0.uid }
    }
}

/// Layout of Linux's `struct ucred` (SO_PEERCRED), which Glibc's Swift module does not expose.
struct PeerCredentials {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// A team id set once and read from any request.
final class TeamIDBox: Sendable {
    private let stored = Mutex<TeamID?>(nil)
    var value: TeamID? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
