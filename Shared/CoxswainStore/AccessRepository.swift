import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// Why an access change was refused, in words for the operator.
package enum AccessError: Error, CustomStringConvertible, Equatable {
    case lastOwner
    case notFound(String)
    case conflict(String)
    /// A name (of a team, a node) that cannot be used: taken by this team or by another one — the
    /// answer is the same, so nobody learns other teams' names by probing.
    case nameUnavailable(String)
    /// The user also belongs to another team: their account (password, enabled) is not this
    /// team's alone to change.
    case sharedAccount

    package var description: String {
        switch self {
        case .lastOwner: "the last owner of a team cannot leave it or be demoted; make someone else owner first"
        case .notFound(let what): "\(what) not found"
        case .conflict(let what): what
        case .nameUnavailable(let kind): "name not available: choose another \(kind) name"
        case .sharedAccount:
            "this user also belongs to another team, so their account is not this team's alone to change; remove them from this team instead (coxswain user remove NAME)"
        }
    }
}

/// Who accepts an invitation: a user who proved their password, or a new one.
package enum InvitedUser: Sendable, Equatable {
    /// An existing user whose password was verified (they must still exist and be enabled).
    case existing(UUID)
    /// A new user, created only when the invitation is valid and the name still free.
    case new(name: String, passwordHash: String)
}

/// The outcome of accepting an invitation.
package enum InvitationAcceptance: Sendable, Equatable {
    /// Joined (or stayed in) the team with this role: an invitation never lowers a member's role.
    case joined(team: TeamID, role: Role, user: UUID)
    /// The invitation is unknown, used or expired; nothing changed.
    case invalidInvitation
    /// The user was disabled or the name was taken meanwhile; nothing changed.
    case userRejected
}

/// A credential resolved to who acts, in which team, with which role.
package struct ResolvedCredential: Sendable, Equatable {
    package var teamID: TeamID
    package var teamName: String
    package var role: Role
    package var userID: UUID
    package var userName: String
    /// The token or session id.
    package var credentialID: UUID
}

/// Teams, users, memberships, invitations, API tokens and sessions.
package struct AccessRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Teams

    package func createTeam(name: String, owner: UUID?) async throws -> TeamID {
        let id = UUID()
        try await client.transaction(logger: logger) { conn in
            let rows = try await conn.guardedQuery(
                "INSERT INTO teams (id, name) VALUES (\(id), \(name)) ON CONFLICT (name) DO NOTHING RETURNING id", logger: logger)
            var created = false
            for try await _ in rows.decode(UUID.self) { created = true }
            guard created else { throw AccessError.nameUnavailable("team") }
            if let owner {
                try await conn.guardedQuery("INSERT INTO memberships (team_id, user_id, role) VALUES (\(id), \(owner), 'owner')", logger: logger)
            }
        }
        return TeamID(id.uuidString.lowercased())
    }

    package func teamName(_ team: TeamID) async throws -> String? {
        for try await name in try await client.guardedQuery("SELECT name FROM teams WHERE id = \(team.uuid)", logger: logger).decode(String.self) {
            return name
        }
        return nil
    }

    package func teamID(named name: String) async throws -> TeamID? {
        for try await id in try await client.guardedQuery("SELECT id FROM teams WHERE name = \(name)", logger: logger).decode(UUID.self) {
            return TeamID(id.uuidString.lowercased())
        }
        return nil
    }

    // MARK: Users

    package func createUser(name: String, passwordHash: String) async throws -> UUID {
        let id = UUID()
        let rows = try await client.guardedQuery(
            "INSERT INTO users (id, name, password_hash) VALUES (\(id), \(name), \(passwordHash)) ON CONFLICT (name) DO NOTHING RETURNING id",
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return id }
        throw AccessError.conflict("a user named '\(name)' already exists")
    }

    /// The user's id and password hash (nil when unknown or disabled).
    package func credentials(user name: String) async throws -> (id: UUID, passwordHash: String)? {
        let rows = try await client.guardedQuery("SELECT id, password_hash FROM users WHERE name = \(name) AND NOT disabled", logger: logger)
        for try await (id, hash) in rows.decode((UUID, String).self) { return (id, hash) }
        return nil
    }

    /// The user's id, password hash and whether they are disabled (nil when unknown).
    package func account(named name: String) async throws -> (id: UUID, passwordHash: String, disabled: Bool)? {
        let rows = try await client.guardedQuery("SELECT id, password_hash, disabled FROM users WHERE name = \(name)", logger: logger)
        for try await (id, hash, disabled) in rows.decode((UUID, String, Bool).self) { return (id, hash, disabled) }
        return nil
    }

    package func userID(named name: String) async throws -> UUID? {
        for try await id in try await client.guardedQuery("SELECT id FROM users WHERE name = \(name)", logger: logger).decode(UUID.self) { return id }
        return nil
    }

    // MARK: Memberships

    package func memberships(of user: UUID) async throws -> [TeamMembership] {
        let rows = try await client.guardedQuery(
            "SELECT t.name, t.id, m.role FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = \(user) ORDER BY t.name",
            logger: logger
        )
        var out: [TeamMembership] = []
        for try await (name, id, role) in rows.decode((String, UUID, String).self) {
            out.append(TeamMembership(team: name, teamID: id.uuidString.lowercased(), role: Role(rawValue: role) ?? .viewer))
        }
        return out
    }

    package func members(of team: TeamID) async throws -> [UserInfo] {
        let rows = try await client.guardedQuery(
            "SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = \(team.uuid) ORDER BY u.name",
            logger: logger
        )
        var out: [UserInfo] = []
        for try await (id, name, role) in rows.decode((UUID, String, String).self) {
            out.append(UserInfo(id: id.uuidString.lowercased(), name: name, role: Role(rawValue: role)))
        }
        return out
    }

    /// Adds the user to the team, or changes their role. Refuses to demote the last owner.
    package func setRole(team: TeamID, user: UUID, role: Role) async throws {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockTeam(team, conn: conn, logger: logger)
            if role != .owner, try await Self.isLastOwner(team: team, user: user, conn: conn, logger: logger) { throw AccessError.lastOwner }
            try await conn.guardedQuery(
                """
                INSERT INTO memberships (team_id, user_id, role) VALUES (\(team.uuid), \(user), \(role.rawValue))
                ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role
                """,
                logger: logger
            )
        }
    }

    /// Removes the user from the team (and revokes their tokens there). Refuses for the last owner.
    package func removeMember(team: TeamID, user: UUID) async throws {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockTeam(team, conn: conn, logger: logger)
            if try await Self.isLastOwner(team: team, user: user, conn: conn, logger: logger) { throw AccessError.lastOwner }
            let rows = try await conn.guardedQuery(
                "DELETE FROM memberships WHERE team_id = \(team.uuid) AND user_id = \(user) RETURNING user_id", logger: logger)
            var removed = false
            for try await _ in rows.decode(UUID.self) { removed = true }
            guard removed else { throw AccessError.notFound("member") }
            try await conn.guardedQuery(
                "UPDATE api_tokens SET revoked_at = clock_timestamp() WHERE team_id = \(team.uuid) AND user_id = \(user) AND revoked_at IS NULL",
                logger: logger
            )
        }
    }

    static func lockTeam(_ team: TeamID, conn: PostgresConnection, logger: Logger) async throws {
        try await conn.guardedQuery("SELECT id FROM teams WHERE id = \(team.uuid) FOR UPDATE", logger: logger)
    }

    static func isLastOwner(team: TeamID, user: UUID, conn: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await conn.guardedQuery(
            """
            SELECT (SELECT role FROM memberships WHERE team_id = \(team.uuid) AND user_id = \(user)) = 'owner'
               AND (SELECT count(*) FROM memberships WHERE team_id = \(team.uuid) AND role = 'owner') = 1
            """,
            logger: logger
        )
        for try await last in rows.decode(Bool?.self) { return last ?? false }
        return false
    }

    // MARK: Invitations

    package func createInvitation(team: TeamID, role: Role, tokenHash: String, createdBy: String, expiresAt: Date) async throws {
        try await client.guardedQuery(
            """
            INSERT INTO invitations (id, team_id, role, token_hash, created_by, expires_at)
            VALUES (\(UUID()), \(team.uuid), \(role.rawValue), \(tokenHash), \(createdBy), \(expiresAt))
            """,
            logger: logger
        )
    }

    /// Whether the invitation is valid now (unknown, used and expired ones are not). A cheap
    /// check before any password work; ``acceptInvitation(tokenHash:user:)`` checks again.
    package func invitationIsOpen(tokenHash: String) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "SELECT id FROM invitations WHERE token_hash = \(tokenHash) AND accepted_at IS NULL AND expires_at > clock_timestamp()", logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Uses an invitation once, in one transaction: the invitation is checked and locked first
    /// (nothing happens for an invalid one — no user is created), then the user is checked (an
    /// existing one must still be enabled) or created, then they join the team with the
    /// invitation's role — or keep theirs when it is higher: an invitation never demotes.
    package func acceptInvitation(tokenHash: String, user: InvitedUser) async throws -> InvitationAcceptance {
        try await client.transaction(logger: logger) { conn in
            let invitations = try await conn.guardedQuery(
                """
                SELECT id, team_id, role FROM invitations
                WHERE token_hash = \(tokenHash) AND accepted_at IS NULL AND expires_at > clock_timestamp()
                FOR UPDATE
                """,
                logger: logger
            )
            var found: (id: UUID, team: UUID, role: Role)?
            for try await (id, team, role) in invitations.decode((UUID, UUID, String).self) { found = (id, team, Role(rawValue: role) ?? .viewer) }
            guard let invitation = found else { return .invalidInvitation }

            let userID: UUID
            switch user {
            case .existing(let id):
                let rows = try await conn.guardedQuery("SELECT disabled FROM users WHERE id = \(id) FOR SHARE", logger: logger)
                var enabled = false
                for try await disabled in rows.decode(Bool.self) { enabled = !disabled }
                guard enabled else { return .userRejected }
                userID = id
            case .new(let name, let passwordHash):
                let id = UUID()
                let rows = try await conn.guardedQuery(
                    "INSERT INTO users (id, name, password_hash) VALUES (\(id), \(name), \(passwordHash)) ON CONFLICT (name) DO NOTHING RETURNING id",
                    logger: logger
                )
                var created = false
                for try await _ in rows.decode(UUID.self) { created = true }
                guard created else { return .userRejected }
                userID = id
            }

            let current = try await conn.guardedQuery(
                "SELECT role FROM memberships WHERE team_id = \(invitation.team) AND user_id = \(userID) FOR UPDATE", logger: logger
            )
            var existingRole: Role?
            for try await role in current.decode(String.self) { existingRole = Role(rawValue: role) ?? .viewer }
            let role = max(existingRole ?? invitation.role, invitation.role)
            if role != existingRole {
                try await conn.guardedQuery(
                    """
                    INSERT INTO memberships (team_id, user_id, role) VALUES (\(invitation.team), \(userID), \(role.rawValue))
                    ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role
                    """,
                    logger: logger
                )
            }
            try await conn.guardedQuery(
                "UPDATE invitations SET accepted_at = clock_timestamp(), accepted_by = \(userID) WHERE id = \(invitation.id)", logger: logger
            )
            return .joined(team: TeamID(invitation.team.uuidString.lowercased()), role: role, user: userID)
        }
    }

    // MARK: API tokens

    package func createToken(team: TeamID, user: UUID, name: String, role: Role, tokenHash: String, expiresAt: Date) async throws -> UUID {
        let id = UUID()
        try await client.guardedQuery(
            """
            INSERT INTO api_tokens (id, team_id, user_id, name, role, token_hash, expires_at)
            VALUES (\(id), \(team.uuid), \(user), \(name), \(role.rawValue), \(tokenHash), \(expiresAt))
            """,
            logger: logger
        )
        return id
    }

    package func tokens(team: TeamID) async throws -> [TokenInfo] {
        let rows = try await client.guardedQuery(
            """
            SELECT k.id, k.name, u.name, t.name, k.role, k.created_at, k.expires_at, k.revoked_at, k.last_used_at
            FROM api_tokens k JOIN users u ON u.id = k.user_id JOIN teams t ON t.id = k.team_id
            WHERE k.team_id = \(team.uuid) ORDER BY k.created_at
            """,
            logger: logger
        )
        var out: [TokenInfo] = []
        for try await r in rows.decode((UUID, String, String, String, String, Date, Date, Date?, Date?).self) {
            out.append(
                TokenInfo(
                    id: r.0.uuidString.lowercased(), name: r.1, user: r.2, team: r.3, role: Role(rawValue: r.4) ?? .viewer, createdAt: r.5, expiresAt: r.6,
                    revokedAt: r.7, lastUsedAt: r.8, secret: nil))
        }
        return out
    }

    /// Revokes a token of the team; false when the team has no such token.
    package func revokeToken(team: TeamID, id: UUID) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, clock_timestamp()) WHERE id = \(id) AND team_id = \(team.uuid) RETURNING id",
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// How often a token's `last_used_at` is written: at most once per this many seconds, so a
    /// busy token costs a read per request, not a write.
    package static let lastUseResolution = 60

    /// Resolves an API token: valid, not revoked, not expired, its user enabled and still a member.
    /// The role is the lower of the token's role and the user's current role in the team. Records
    /// the use in `last_used_at` when the last record is older than ``lastUseResolution`` seconds
    /// (the update is in the same statement, and writes nothing otherwise).
    package func resolveToken(hash: String) async throws -> ResolvedCredential? {
        let rows = try await client.guardedQuery(
            """
            WITH found AS (
                SELECT k.id, t.id AS team_id, t.name AS team_name, k.role AS token_role, m.role AS member_role, u.id AS user_id, u.name AS user_name
                FROM api_tokens k JOIN users u ON u.id = k.user_id JOIN teams t ON t.id = k.team_id
                JOIN memberships m ON m.team_id = k.team_id AND m.user_id = k.user_id
                WHERE k.token_hash = \(hash) AND k.revoked_at IS NULL AND k.expires_at > clock_timestamp() AND NOT u.disabled
            ), touched AS (
                UPDATE api_tokens SET last_used_at = clock_timestamp()
                WHERE id IN (SELECT id FROM found)
                  AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - make_interval(secs => \(Double(Self.lastUseResolution))))
                RETURNING id
            )
            SELECT id, team_id, team_name, token_role, member_role, user_id, user_name FROM found
            """,
            logger: logger
        )
        for try await r in rows.decode((UUID, UUID, String, String, String, UUID, String).self) {
            let tokenRole = Role(rawValue: r.3) ?? .viewer
            let memberRole = Role(rawValue: r.4) ?? .viewer
            return ResolvedCredential(
                teamID: TeamID(r.1.uuidString.lowercased()), teamName: r.2, role: min(tokenRole, memberRole), userID: r.5, userName: r.6, credentialID: r.0)
        }
        return nil
    }

    // MARK: Sessions

    package func createSession(user: UUID, tokenHash: String, expiresAt: Date) async throws {
        try await client.guardedQuery(
            "INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES (\(UUID()), \(user), \(tokenHash), \(expiresAt))",
            logger: logger
        )
    }

    /// The session's user, when the session is valid.
    package func resolveSession(hash: String) async throws -> (sessionID: UUID, userID: UUID, userName: String)? {
        let rows = try await client.guardedQuery(
            """
            SELECT s.id, u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(hash) AND s.revoked_at IS NULL AND s.expires_at > clock_timestamp() AND NOT u.disabled
            """,
            logger: logger
        )
        for try await r in rows.decode((UUID, UUID, String).self) { return (r.0, r.1, r.2) }
        return nil
    }

    package func revokeSession(hash: String) async throws {
        try await client.guardedQuery("UPDATE sessions SET revoked_at = clock_timestamp() WHERE token_hash = \(hash) AND revoked_at IS NULL", logger: logger)
    }

    /// The user's role in a team, by team name (for sessions choosing a team).
    package func membership(user: UUID, teamName: String?) async throws -> TeamMembership? {
        let all = try await memberships(of: user)
        if let teamName { return all.first { $0.team == teamName } }
        return all.count == 1 ? all[0] : nil
    }
}

extension TeamID {
    /// The team id as a UUID for binds.
    package var uuid: UUID { UUID(uuidString: rawValue) ?? UUID() }
}
