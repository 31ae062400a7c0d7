import CoxswainCore
import CoxswainCrypto
import Foundation
import Logging
import PostgresNIO

/// A team's registry with its credentials opened: only for the Gateway's check and browse and for
/// handing them to a node inside a sealed task. **Secret**: its description leaves the password out.
package struct RegistryWithLogin: Sendable, CustomStringConvertible {
    package var info: RegistryInfo
    package var username: String?
    package var password: String?
    package var description: String { "\(info.name) (\(info.kind.rawValue)) as \(username ?? "anonymous")" }
}

/// Teams' image registries. Passwords are sealed with the master key, bound to the registry's id
/// (a row copied to another id or team does not open), and never read back into a listing.
package struct RegistryRepository: Sendable {
    let client: PostgresClient
    let box: SecretBox
    let logger: Logger

    package init(client: PostgresClient, masterKey: SecretBox, logger: Logger) {
        self.client = client
        self.box = masterKey
        self.logger = logger
    }

    static func associated(_ id: UUID, team: TeamID) -> [UInt8] { Array("registry:\(id.uuidString.lowercased()):\(team.uuid.uuidString.lowercased())".utf8) }

    private static let columns =
        "id, name, kind, url, namespace, api_url, plain_http, username, password_sealed IS NOT NULL, description, created_at, updated_at"
    private typealias Row = (UUID, String, String, String?, String?, String?, Bool, String?, Bool, String?, Date, Date)

    private static func info(_ r: Row) -> RegistryInfo? {
        // A row a database attacker wrote with an unknown kind is skipped, not trusted.
        guard let kind = RegistryKind(rawValue: r.2) else { return nil }
        return RegistryInfo(
            id: r.0.uuidString.lowercased(), name: r.1, kind: kind, url: r.3, namespace: r.4, apiURL: r.5, plainHTTP: r.6, username: r.7,
            hasPassword: r.8, description: r.9, createdAt: r.10, updatedAt: r.11)
    }

    /// Adds a registry; `AccessError.conflict` when the team already has one by that name.
    package func add(team: TeamID, _ draft: RegistryDraft, password: String?) async throws -> RegistryInfo {
        let id = UUID()
        let sealed = password.flatMap { $0.isEmpty ? nil : ByteBuffer(bytes: box.seal(Array($0.utf8), associatedData: Self.associated(id, team: team))) }
        let rows = try await client.guardedQuery(
            """
            INSERT INTO registries (id, team_id, name, kind, url, namespace, api_url, plain_http, username, password_sealed, description)
            VALUES (\(id), \(team.uuid), \(draft.name), \(draft.kind.rawValue), \(draft.url), \(draft.namespace), \(draft.apiURL), \(draft.plainHTTP),
                    \(draft.username), \(sealed), \(draft.description))
            ON CONFLICT (team_id, name) DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        for try await r in rows.decode(Row.self) { if let info = Self.info(r) { return info } }
        throw AccessError.conflict("the team already has a registry named '\(draft.name)'")
    }

    package func list(team: TeamID) async throws -> [RegistryInfo] {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.columns) FROM registries WHERE team_id = \(team.uuid) ORDER BY name", logger: logger)
        var out: [RegistryInfo] = []
        for try await r in rows.decode(Row.self) { if let info = Self.info(r) { out.append(info) } }
        return out
    }

    package func find(team: TeamID, name: String) async throws -> RegistryInfo? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.columns) FROM registries WHERE team_id = \(team.uuid) AND name = \(name)", logger: logger)
        for try await r in rows.decode(Row.self) { return Self.info(r) }
        return nil
    }

    /// The registry with its password opened (check, browse, a pull on a node). A password that does
    /// not open (a row moved by a database attacker, another master key) is an error, not anonymous.
    package func withLogin(team: TeamID, name: String) async throws -> RegistryWithLogin? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.columns), password_sealed FROM registries WHERE team_id = \(team.uuid) AND name = \(name)", logger: logger)
        for try await x in rows.decode((UUID, String, String, String?, String?, String?, Bool, String?, Bool, String?, Date, Date, ByteBuffer?).self) {
            let r: Row = (x.0, x.1, x.2, x.3, x.4, x.5, x.6, x.7, x.8, x.9, x.10, x.11)
            let sealed = x.12
            guard let info = Self.info(r) else { return nil }
            var password: String?
            if let sealed {
                let bytes = try box.open(Array(sealed.readableBytesView), associatedData: Self.associated(r.0, team: team))
                password = String(decoding: bytes, as: UTF8.self)
            }
            return RegistryWithLogin(info: info, username: info.username, password: password)
        }
        return nil
    }

    /// Applies an update checked by `RegistryDraft.updating`; `password`: nil keeps the stored one,
    /// "" (or `clear`) removes it. Nil when the registry does not exist; conflict on a taken new name.
    package func update(team: TeamID, name: String, _ draft: RegistryDraft, password: String?, clear: Bool) async throws -> RegistryInfo? {
        guard let current = try await find(team: team, name: name), let id = UUID(uuidString: current.id) else { return nil }
        let newSealed = password.flatMap { $0.isEmpty ? nil : ByteBuffer(bytes: box.seal(Array($0.utf8), associatedData: Self.associated(id, team: team))) }
        let replacePassword = clear || password != nil
        if draft.name != name, try await find(team: team, name: draft.name) != nil {
            throw AccessError.conflict("the team already has a registry named '\(draft.name)'")
        }
        let rows = try await client.guardedQuery(
            """
            UPDATE registries SET name = \(draft.name), kind = \(draft.kind.rawValue), url = \(draft.url), namespace = \(draft.namespace),
                   api_url = \(draft.apiURL), plain_http = \(draft.plainHTTP), username = \(draft.username), description = \(draft.description),
                   password_sealed = CASE WHEN \(replacePassword) THEN \(newSealed) ELSE password_sealed END,
                   updated_at = clock_timestamp()
            WHERE id = \(id) AND team_id = \(team.uuid)
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        for try await r in rows.decode(Row.self) { return Self.info(r) }
        return nil
    }

    package func remove(team: TeamID, name: String) async throws -> Bool {
        let rows = try await client.guardedQuery(
            "DELETE FROM registries WHERE team_id = \(team.uuid) AND name = \(name) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
