import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// User accounts as a team's admins manage them: list, show, disable, enable, remove, passwords.
///
/// A user is one account for the whole installation (a name, a password, enabled or disabled)
/// with a membership per team. Changes that act on the account itself (disabling, another
/// person's password) are allowed only for a user of no other team, so one team's admins cannot
/// lock a user out of a team they do not manage; removing acts on the membership, and deletes
/// the account only when it was the user's last team.
extension AccessRepository {
    /// The team's members with their account state, by name.
    package func accounts(team: TeamID) async throws -> [UserAccount] {
        try await accounts(team: team, name: nil)
    }

    /// One member of the team with their account state; nil when the team has no such member.
    package func account(team: TeamID, name: String) async throws -> UserAccount? {
        try await accounts(team: team, name: name).first
    }

    private func accounts(team: TeamID, name: String?) async throws -> [UserAccount] {
        let rows = try await client.guardedQuery(
            """
            SELECT u.id, u.name, m.role, u.disabled, u.created_at,
                   (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id),
                   (SELECT count(*) FROM api_tokens k WHERE k.team_id = m.team_id AND k.user_id = u.id
                       AND k.revoked_at IS NULL AND k.expires_at > clock_timestamp()),
                   (SELECT max(k.last_used_at) FROM api_tokens k WHERE k.team_id = m.team_id AND k.user_id = u.id)
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.team_id = \(team.uuid) AND (\(name)::text IS NULL OR u.name = \(name))
            ORDER BY u.name
            """,
            logger: logger
        )
        var out: [UserAccount] = []
        for try await r in rows.decode((UUID, String, String, Bool, Date, Date?, Int64, Date?).self) {
            out.append(
                UserAccount(
                    id: r.0.uuidString.lowercased(), name: r.1, role: Role(rawValue: r.2) ?? .viewer, disabled: r.3, createdAt: r.4, lastLoginAt: r.5,
                    activeTokens: Int(clamping: r.6), lastTokenUseAt: r.7))
        }
        return out
    }

    /// Whether the user belongs to a team other than `team`.
    package func hasOtherTeams(user: UUID, besides team: TeamID) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = \(user) AND team_id <> \(team.uuid))", logger: logger)
        for try await other in rows.decode(Bool.self) { return other }
        return false
    }

    /// Disables or enables a member's account. Disabling ends their sessions at once (their API
    /// tokens stop working while the account is disabled). Refused for a user of another team too
    /// (``AccessError/sharedAccount``) and for the team's last enabled owner (``AccessError/lastOwner``).
    package func setDisabled(team: TeamID, user: UUID, disabled: Bool) async throws {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockTeam(team, conn: conn, logger: logger)
            let member = try await conn.guardedQuery(
                "SELECT role FROM memberships WHERE team_id = \(team.uuid) AND user_id = \(user)", logger: logger)
            var role: Role?
            for try await r in member.decode(String.self) { role = Role(rawValue: r) ?? .viewer }
            guard let role else { throw AccessError.notFound("member") }
            let others = try await conn.guardedQuery(
                "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = \(user) AND team_id <> \(team.uuid))", logger: logger)
            for try await shared in others.decode(Bool.self) where shared { throw AccessError.sharedAccount }
            if disabled, role == .owner {
                let owners = try await conn.guardedQuery(
                    """
                    SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.team_id = \(team.uuid) AND m.role = 'owner' AND NOT u.disabled AND m.user_id <> \(user)
                    """,
                    logger: logger
                )
                for try await count in owners.decode(Int64.self) where count == 0 { throw AccessError.lastOwner }
            }
            try await conn.guardedQuery("UPDATE users SET disabled = \(disabled) WHERE id = \(user)", logger: logger)
            if disabled {
                try await conn.guardedQuery(
                    "UPDATE sessions SET revoked_at = clock_timestamp() WHERE user_id = \(user) AND revoked_at IS NULL", logger: logger)
            }
        }
    }

    /// Removes a member from the team: their membership goes and their API tokens in the team are
    /// revoked; when it was their last team the account is deleted (sessions and tokens with it)
    /// and its name becomes free. Refused for the team's last owner.
    ///
    /// - Returns: Whether the account was deleted.
    package func removeUser(team: TeamID, user: UUID) async throws -> Bool {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockTeam(team, conn: conn, logger: logger)
            if try await Self.isLastOwner(team: team, user: user, conn: conn, logger: logger) { throw AccessError.lastOwner }
            let removed = try await conn.guardedQuery(
                "DELETE FROM memberships WHERE team_id = \(team.uuid) AND user_id = \(user) RETURNING user_id", logger: logger)
            var found = false
            for try await _ in removed.decode(UUID.self) { found = true }
            guard found else { throw AccessError.notFound("member") }
            try await conn.guardedQuery(
                "UPDATE api_tokens SET revoked_at = clock_timestamp() WHERE team_id = \(team.uuid) AND user_id = \(user) AND revoked_at IS NULL",
                logger: logger
            )
            let deleted = try await conn.guardedQuery(
                """
                DELETE FROM users WHERE id = \(user) AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = \(user))
                RETURNING id
                """,
                logger: logger
            )
            var accountDeleted = false
            for try await _ in deleted.decode(UUID.self) { accountDeleted = true }
            return accountDeleted
        }
    }

    /// The password hash of an enabled user (nil when unknown or disabled).
    package func passwordHash(user: UUID) async throws -> String? {
        let rows = try await client.guardedQuery("SELECT password_hash FROM users WHERE id = \(user) AND NOT disabled", logger: logger)
        for try await hash in rows.decode(String.self) { return hash }
        return nil
    }

    /// Sets a user's password hash and ends their sessions except `keepSession` (the one the
    /// change came with, when the user changed their own password in a session).
    package func setPassword(user: UUID, passwordHash: String, keepSession: UUID?) async throws {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("UPDATE users SET password_hash = \(passwordHash) WHERE id = \(user)", logger: logger)
            try await conn.guardedQuery(
                """
                UPDATE sessions SET revoked_at = clock_timestamp()
                WHERE user_id = \(user) AND revoked_at IS NULL AND (\(keepSession)::uuid IS NULL OR id <> \(keepSession))
                """,
                logger: logger
            )
        }
    }
}
