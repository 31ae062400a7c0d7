import CoxswainCore
import Foundation
import Logging
import PostgresNIO

/// A deploy token presented with a request, resolved: the one deployment it may deploy.
package struct ResolvedDeployToken: Sendable, Equatable {
    package var id: UUID
    package var name: String
    package var teamID: TeamID
    package var teamName: String
    package var deploymentID: UUID
}

extension DeliveryRepository {
    private static let tokenColumns = "id, name, deployment_id, created_by, created_at, expires_at, revoked_at, last_used_at"
    private typealias TokenTuple = (UUID, String, UUID, String, Date, Date, Date?, Date?)
    private static func token(_ r: TokenTuple) -> DeployTokenInfo {
        DeployTokenInfo(
            id: r.0.uuidString.lowercased(), name: r.1, deploymentID: DeploymentID(r.2.uuidString.lowercased()), createdBy: r.3, createdAt: r.4,
            expiresAt: r.5, revokedAt: r.6, lastUsedAt: r.7)
    }

    /// Stores a deploy token's hash; a conflict when the deployment already has a token by that name.
    package func createDeployToken(team: TeamID, deployment: UUID, name: String, hash: String, createdBy: String, lifetime: Double) async throws
        -> DeployTokenInfo
    {
        let rows = try await client.guardedQuery(
            """
            INSERT INTO deploy_tokens (id, team_id, deployment_id, name, token_hash, created_by, expires_at)
            VALUES (\(UUID()), \(team.uuid), \(deployment), \(name), \(hash), \(createdBy), clock_timestamp() + make_interval(secs => \(lifetime)))
            ON CONFLICT (deployment_id, name) DO NOTHING RETURNING \(unescaped: Self.tokenColumns)
            """, logger: logger)
        for try await r in rows.decode(TokenTuple.self) { return Self.token(r) }
        throw DeliveryStoreError.conflict("the deployment already has a deploy token named '\(name)'")
    }

    package func deployTokens(deployment: UUID) async throws -> [DeployTokenInfo] {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.tokenColumns) FROM deploy_tokens WHERE deployment_id = \(deployment) ORDER BY created_at", logger: logger)
        var out: [DeployTokenInfo] = []
        for try await r in rows.decode(TokenTuple.self) { out.append(Self.token(r)) }
        return out
    }

    /// Revokes a token by id or name; false when the deployment has no such token.
    package func revokeDeployToken(deployment: UUID, _ idOrName: String) async throws -> Bool {
        let id = UUID(uuidString: idOrName)
        let rows = try await client.guardedQuery(
            """
            UPDATE deploy_tokens SET revoked_at = COALESCE(revoked_at, clock_timestamp())
            WHERE deployment_id = \(deployment) AND (id = \(id) OR name = \(idOrName)) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// The live (unexpired, unrevoked) token with this hash, marked as used.
    package func resolveDeployToken(hash: String) async throws -> ResolvedDeployToken? {
        let rows = try await client.guardedQuery(
            """
            UPDATE deploy_tokens t SET last_used_at = clock_timestamp() FROM teams
            WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND t.expires_at > clock_timestamp() AND teams.id = t.team_id
            RETURNING t.id, t.name, t.team_id, teams.name, t.deployment_id
            """, logger: logger)
        for try await r in rows.decode((UUID, String, UUID, String, UUID).self) {
            return ResolvedDeployToken(id: r.0, name: r.1, teamID: TeamID(r.2.uuidString.lowercased()), teamName: r.3, deploymentID: r.4)
        }
        return nil
    }
}
