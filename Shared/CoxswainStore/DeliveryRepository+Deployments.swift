import CoxswainCore
import CoxswainCrypto
import CoxswainDelivery
import Foundation
import Logging
import PostgresNIO

/// A deployment row with its product's and version's names.
package struct DeploymentRow: Sendable, Equatable {
    package var id: UUID
    package var teamID: UUID
    package var productID: UUID
    package var product: String
    package var versionID: UUID
    package var version: String
    package var versionKind: VersionKind
    package var node: String
    package var prefix: String
    package var note: String?
    package var protected: Bool
    package var status: DeploymentStatus
    package var tries: Int
    package var currentJob: UUID?
    package var config: ContainerConfig?
    package var instances: [String: ContainerConfig]?
    package var secretNames: [String]
    package var createdAt: Date
    package var updatedAt: Date

    package var summary: DeploymentSummary? {
        guard let prefix = DeploymentPrefix(prefix), let nodeName = try? NodeName(validating: node) else { return nil }
        return DeploymentSummary(
            id: DeploymentID(id.uuidString.lowercased()), productID: ProductID(productID.uuidString.lowercased()),
            versionID: VersionID(versionID.uuidString.lowercased()), target: DeploymentTarget(node: nodeName, prefix: prefix), status: status,
            isProtected: protected)
    }

    package var info: DeploymentInfo {
        DeploymentInfo(
            id: DeploymentID(id.uuidString.lowercased()), product: product, version: version, versionKind: versionKind, node: node, prefix: prefix,
            note: note, protected: protected, status: status, tries: tries, lastJob: currentJob.map { JobID($0) }, config: config,
            instances: instances, secretNames: secretNames, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// What a try froze: the instances exactly as sent to the node (without credentials), and the
/// registry each image came from, so that a rollback pulls with the registry's current login.
package struct FrozenRollout: Codable, Sendable, Equatable {
    package var instances: [RolloutInstance]
    package var registries: [String?]
    package init(instances: [RolloutInstance], registries: [String?]) {
        self.instances = instances
        self.registries = registries
    }
}

/// A deployment whose try finished, as `settle` recorded it.
package struct SettledDeployment: Sendable, Equatable {
    package var id: UUID
    package var teamID: UUID
    package var product: String
    package var version: String
    package var node: String
    package var prefix: String
    package var tryNumber: Int
    package var rollback: Bool
    package var status: DeploymentStatus
    package var reason: String?
    /// Other deployments that became obsolete or downgraded.
    package var changes: [SuccessPropagation.Change]
}

extension DeliveryRepository {
    private static let deploymentSelect = """
        SELECT d.id, d.team_id, d.product_id, p.name, d.version_id, v.name, v.kind, d.node, d.prefix, d.note, d.protected, d.status, d.tries,
               d.current_job, d.config::text, d.instances::text, d.secret_names, d.created_at, d.updated_at
        FROM deployments d JOIN products p ON p.id = d.product_id JOIN versions v ON v.id = d.version_id
        """
    private typealias DeploymentTuple = (
        UUID, UUID, UUID, String, UUID, String, String, String, String, String?, Bool, String, Int32, UUID?, String?, String?, [String], Date, Date
    )

    private static func deployment(_ r: DeploymentTuple) -> DeploymentRow? {
        guard let kind = VersionKind(rawValue: r.6), let status = DeploymentStatus(rawValue: r.11) else { return nil }
        return DeploymentRow(
            id: r.0, teamID: r.1, productID: r.2, product: r.3, versionID: r.4, version: r.5, versionKind: kind, node: r.7, prefix: r.8, note: r.9,
            protected: r.10, status: status, tries: Int(r.12), currentJob: r.13, config: decode(ContainerConfig.self, r.14),
            instances: decode([String: ContainerConfig].self, r.15), secretNames: r.16, createdAt: r.17, updatedAt: r.18)
    }

    private func deployments(_ query: PostgresQuery, conn: PostgresConnection? = nil) async throws -> [DeploymentRow] {
        let rows: PostgresRowSequence
        if let conn { rows = try await conn.guardedQuery(query, logger: logger) } else { rows = try await client.guardedQuery(query, logger: logger) }
        var out: [DeploymentRow] = []
        for try await r in rows.decode(DeploymentTuple.self) { if let row = Self.deployment(r) { out.append(row) } }
        return out
    }

    package func deployment(team: TeamID, id: UUID) async throws -> DeploymentRow? {
        try await deployments("\(unescaped: Self.deploymentSelect) WHERE d.team_id = \(team.uuid) AND d.id = \(id)").first
    }

    /// The team's deployments whose id starts with `prefix` (a unique prefix names one, like git's).
    package func deployments(team: TeamID, idPrefix: String) async throws -> [UUID] {
        let pattern = idPrefix.lowercased().filter { $0.isHexDigit || $0 == "-" } + "%"
        let rows = try await client.guardedQuery(
            "SELECT id FROM deployments WHERE team_id = \(team.uuid) AND id::text LIKE \(pattern) LIMIT 2", logger: logger)
        var out: [UUID] = []
        for try await id in rows.decode(UUID.self) { out.append(id) }
        return out
    }

    package func deployments(team: TeamID, product: UUID?, node: String?, version: UUID?) async throws -> [DeploymentRow] {
        try await deployments(
            """
            \(unescaped: Self.deploymentSelect) WHERE d.team_id = \(team.uuid)
              AND (\(product)::uuid IS NULL OR d.product_id = \(product)) AND (\(node)::text IS NULL OR d.node = \(node))
              AND (\(version)::uuid IS NULL OR d.version_id = \(version))
            ORDER BY p.name, d.node, d.prefix, d.created_at
            """)
    }

    /// Every deployment of the team on a node and prefix (any product), for uniqueness and protection.
    package func deploymentSummaries(team: TeamID, node: String, prefix: String) async throws -> [DeploymentSummary] {
        try await deployments("\(unescaped: Self.deploymentSelect) WHERE d.team_id = \(team.uuid) AND d.node = \(node) AND d.prefix = \(prefix)")
            .compactMap(\.summary)
    }

    func deploymentSummaries(version: UUID) async throws -> [DeploymentSummary] {
        // Newest first: the rules take the first listed among equals (VersionRules.increasePlan).
        try await deployments("\(unescaped: Self.deploymentSelect) WHERE d.version_id = \(version) ORDER BY d.created_at DESC").compactMap(\.summary)
    }

    static func associated(deployment id: UUID, node: String) -> [UInt8] { Array("deployment-secrets:\(id.uuidString.lowercased()):\(node)".utf8) }

    /// Creates a preparing deployment; `secrets` are sealed with the master key, bound to its id and node.
    package func createDeployment(
        team: TeamID, product: UUID, version: UUID, node: String, prefix: String, note: String?, protected: Bool, config: ContainerConfig?,
        instances: [String: ContainerConfig]?, secrets: [String: String]
    ) async throws -> UUID {
        let id = UUID()
        let sealed = try sealedSecrets(secrets, deployment: id, node: node)
        try await client.guardedQuery(
            """
            INSERT INTO deployments (id, team_id, product_id, version_id, node, prefix, note, protected, status, config, instances,
                                     secrets_sealed, secret_names)
            VALUES (\(id), \(team.uuid), \(product), \(version), \(node), \(prefix), \(note), \(protected), \(DeploymentStatus.preparing.rawValue),
                    \(try config.map(Self.json))::jsonb, \(try instances.map(Self.json))::jsonb, \(sealed), \(secrets.keys.sorted()))
            """, logger: logger)
        return id
    }

    func sealedSecrets(_ secrets: [String: String], deployment id: UUID, node: String) throws -> ByteBuffer? {
        guard !secrets.isEmpty else { return nil }
        return ByteBuffer(bytes: box.seal(try WireCoding.encode(secrets), associatedData: Self.associated(deployment: id, node: node)))
    }

    /// The deployment's secret values, opened; empty when none are stored. A sealed value that does
    /// not open (moved to another row or node by a database attacker) is an error.
    package func secrets(of id: UUID, node: String) async throws -> [String: String] {
        let rows = try await client.guardedQuery("SELECT secrets_sealed FROM deployments WHERE id = \(id)", logger: logger)
        for try await sealed in rows.decode(ByteBuffer?.self) {
            guard let sealed else { return [:] }
            return try openSecrets(sealed, deployment: id, node: node)
        }
        return [:]
    }

    /// Sealed secret values opened, checked against the deployment and node they were sealed to.
    func openSecrets(_ sealed: ByteBuffer, deployment id: UUID, node: String) throws -> [String: String] {
        guard let opened = try? box.open(Array(buffer: sealed), associatedData: Self.associated(deployment: id, node: node)),
            let values = try? WireCoding.decoder().decode([String: String].self, from: Data(opened))
        else { throw DeliveryStoreError.conflict("the deployment's secrets do not open with this installation's key; set them again") }
        return values
    }

    /// Updates the editable fields (the caller checked the status allows editing); `secrets` replaces
    /// the stored values when given.
    package func updateDeployment(
        _ id: UUID, node: String, note: String?, protected: Bool?, config: ContainerConfig?, instances: [String: ContainerConfig]?,
        secrets: [String: String]?
    ) async throws {
        let sealed = try secrets.map { try sealedSecrets($0, deployment: id, node: node) }
        try await client.guardedQuery(
            """
            UPDATE deployments SET note = COALESCE(\(note), note), protected = COALESCE(\(protected), protected),
                   config = COALESCE(\(try config.map(Self.json))::jsonb, config), instances = COALESCE(\(try instances.map(Self.json))::jsonb, instances),
                   secrets_sealed = CASE WHEN \(secrets != nil) THEN \(sealed ?? nil) ELSE secrets_sealed END,
                   secret_names = CASE WHEN \(secrets != nil) THEN \((secrets ?? [:]).keys.sorted()) ELSE secret_names END,
                   updated_at = clock_timestamp()
            WHERE id = \(id) AND status <> \(DeploymentStatus.inProgress.rawValue)
            """, logger: logger)
    }

    /// Deletes a deployment that is not in progress (re-checked under a row lock).
    package func removeDeployment(_ id: UUID) async throws {
        try await client.transaction(logger: logger) { conn in
            for try await status in try await conn.guardedQuery(
                "SELECT status FROM deployments WHERE id = \(id) FOR UPDATE", logger: logger
            ).decode(String.self) where status == DeploymentStatus.inProgress.rawValue {
                throw DeliveryStoreError.refused(.notAllowed(.delete, status: .inProgress, versionKind: .rolling))
            }
            try await conn.guardedQuery("DELETE FROM deployments WHERE id = \(id)", logger: logger)
        }
    }

    /// The configuration the deployment's last successful try froze (what a rollback deploys).
    package func lastSuccessfulRollout(of id: UUID) async throws -> FrozenRollout? {
        let rows = try await client.guardedQuery(
            """
            SELECT frozen::text FROM deployment_tries WHERE deployment_id = \(id) AND status = \(DeploymentStatus.successful.rawValue)
            ORDER BY try DESC LIMIT 1
            """, logger: logger)
        for try await text in rows.decode(String.self) { return Self.decode(FrozenRollout.self, text) }
        return nil
    }

    /// Records try `tryNumber` (in progress, carried by `job`) if the deployment is still where the
    /// caller saw it (status and tries unchanged); returns false when it moved meanwhile.
    package func beginTry(
        _ id: UUID, expecting status: DeploymentStatus, tries: Int, tryNumber: Int, job: JobID, rollback: Bool, frozen: FrozenRollout, actor: String,
        note: String
    ) async throws -> Bool {
        try await client.transaction(logger: logger) { conn in
            // The version first (shared): an image edit (which locks it for update and re-checks
            // freezing) and a first deploy never overlap.
            try await conn.guardedQuery(
                "SELECT v.id FROM versions v JOIN deployments d ON d.version_id = v.id WHERE d.id = \(id) FOR SHARE OF v", logger: logger)
            // One rollout at a time per node and prefix (two deployments there, or a redeploy after a
            // timeout while the node still runs the old try, would replace each other's containers).
            for try await busy in try await conn.guardedQuery(
                """
                WITH target AS (
                    SELECT team_id, node, prefix, pg_advisory_xact_lock(hashtext(team_id::text || '/' || node || '/' || prefix)) FROM deployments
                    WHERE id = \(id))
                SELECT o.id FROM deployments o, target t
                WHERE o.team_id = t.team_id AND o.node = t.node AND o.prefix = t.prefix AND o.id <> \(id)
                  AND o.status = \(DeploymentStatus.inProgress.rawValue)
                """, logger: logger
            ).decode(UUID.self) {
                throw DeliveryStoreError.conflict(
                    "deployment \(busy.uuidString.lowercased()) is rolling out on the same node and prefix: wait until it finishes")
            }
            let rows = try await conn.guardedQuery(
                """
                UPDATE deployments SET status = \(DeploymentStatus.inProgress.rawValue), tries = \(tryNumber), current_job = \(job.rawValue),
                       updated_at = clock_timestamp()
                WHERE id = \(id) AND status = \(status.rawValue) AND tries = \(tries) RETURNING id
                """, logger: logger)
            var moved = true
            for try await _ in rows.decode(UUID.self) { moved = false }
            if moved { return false }
            try await conn.guardedQuery(
                """
                INSERT INTO deployment_tries (deployment_id, try, job_id, rollback, frozen, status, actor)
                VALUES (\(id), \(tryNumber), \(job.rawValue), \(rollback), \(try Self.json(frozen))::jsonb, \(DeploymentStatus.inProgress.rawValue), \(actor))
                """, logger: logger)
            try await conn.guardedQuery(
                """
                INSERT INTO deployment_events (deployment_id, try, seq, kind, message)
                VALUES (\(id), \(tryNumber), 0, \(DeploymentEvent.Kind.requested.rawValue), \(note))
                """, logger: logger)
            return true
        }
    }

    /// The recorded events of a deployment, oldest first.
    package func events(of id: UUID) async throws -> [DeploymentEventRecord] {
        let rows = try await client.guardedQuery(
            "SELECT try, time, kind, instance, message FROM deployment_events WHERE deployment_id = \(id) ORDER BY try, seq", logger: logger)
        var out: [DeploymentEventRecord] = []
        for try await r in rows.decode((Int32, Date, String, String?, String).self) {
            // A kind a database attacker wrote that is not one of ours is skipped.
            guard let kind = DeploymentEvent.Kind(rawValue: r.2) else { continue }
            out.append(DeploymentEventRecord(tryNumber: Int(r.0), time: r.1, event: DeploymentEvent(kind, instance: r.3, r.4)))
        }
        return out
    }
}
