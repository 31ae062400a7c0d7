import CoxswainCore
import CoxswainCrypto
import CoxswainDelivery
import Foundation
import Logging
import PostgresNIO

/// A refusal of a delivery write that the rules or the current rows decide (a 404, 409 or 422
/// for the Gateway); never carries SQL.
package enum DeliveryStoreError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case conflict(String)
    case refused(DeliveryRefusal)

    package var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let what): what
        case .refused(let refusal): refusal.description
        }
    }
}

/// A product row.
package struct ProductRow: Sendable, Equatable {
    package var id: UUID
    package var name: String
    package var kind: ProductKind
    package var description: String?
    package var createdAt: Date
    package var updatedAt: Date
}

/// A version row with its images (in order).
package struct VersionRow: Sendable, Equatable {
    package var id: UUID
    package var productID: UUID
    package var name: String
    package var kind: VersionKind
    package var changelog: String?
    package var isDefault: Bool
    package var parentID: UUID?
    package var createdAt: Date
    package var images: [ImageInfo]
}

/// Products, versions and their images: the part of delivery an admin edits. The rules (what may
/// change when) are CoxswainDelivery's; this type only stores what the Gateway decided, in
/// transactions that re-check the rows they depend on.
package struct DeliveryRepository: Sendable {
    let client: PostgresClient
    let box: SecretBox
    let logger: Logger

    package init(client: PostgresClient, masterKey: SecretBox, logger: Logger) {
        self.client = client
        self.box = masterKey
        self.logger = logger
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes a JSON column; a row a database attacker wrote that does not decode is nil, not a crash.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: products

    private static let productColumns = "id, name, kind, description, created_at, updated_at"
    private typealias ProductTuple = (UUID, String, String, String?, Date, Date)
    private static func product(_ r: ProductTuple) -> ProductRow? {
        guard let kind = ProductKind(rawValue: r.2) else { return nil }
        return ProductRow(id: r.0, name: r.1, kind: kind, description: r.3, createdAt: r.4, updatedAt: r.5)
    }

    /// Creates a product; a simple one gets its hidden rolling version at once.
    package func createProduct(team: TeamID, name: String, kind: ProductKind, description: String?) async throws -> ProductRow {
        try await client.transaction(logger: logger) { conn in
            let id = UUID()
            let rows = try await conn.guardedQuery(
                """
                INSERT INTO products (id, team_id, name, kind, description) VALUES (\(id), \(team.uuid), \(name), \(kind.rawValue), \(description))
                ON CONFLICT (team_id, name) DO NOTHING RETURNING \(unescaped: Self.productColumns)
                """, logger: logger)
            var created: ProductRow?
            for try await r in rows.decode(ProductTuple.self) { created = Self.product(r) }
            guard let created else { throw DeliveryStoreError.conflict("the team already has a product named '\(name)'") }
            if kind == .simple {
                try await conn.guardedQuery(
                    """
                    INSERT INTO versions (id, product_id, name, kind, is_default)
                    VALUES (\(UUID()), \(id), \(ProductInfo.simpleVersionName), \(VersionKind.rolling.rawValue), true)
                    """, logger: logger)
            }
            return created
        }
    }

    package func products(team: TeamID) async throws -> [ProductInfo] {
        let rows = try await client.guardedQuery(
            """
            SELECT p.id, p.name, p.kind, p.description, p.created_at, p.updated_at,
                   (SELECT v.name FROM versions v WHERE v.product_id = p.id AND v.is_default),
                   (SELECT count(*) FROM versions v WHERE v.product_id = p.id)::int8,
                   (SELECT count(*) FROM deployments d WHERE d.product_id = p.id)::int8
            FROM products p WHERE p.team_id = \(team.uuid) ORDER BY p.name
            """, logger: logger)
        var out: [ProductInfo] = []
        for try await r in rows.decode((UUID, String, String, String?, Date, Date, String?, Int64, Int64).self) {
            guard let kind = ProductKind(rawValue: r.2) else { continue }
            out.append(
                ProductInfo(
                    id: ProductID(r.0.uuidString.lowercased()), name: r.1, kind: kind, description: r.3, defaultVersion: r.6,
                    versionCount: Int(clamping: r.7), deploymentCount: Int(clamping: r.8), createdAt: r.4, updatedAt: r.5))
        }
        return out
    }

    package func product(team: TeamID, name: String) async throws -> ProductRow? {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.productColumns) FROM products WHERE team_id = \(team.uuid) AND name = \(name)", logger: logger)
        for try await r in rows.decode(ProductTuple.self) { return Self.product(r) }
        return nil
    }

    /// Renames, describes or converts a product (a converted simple product's hidden version
    /// becomes an ordinary one: nothing to change in its row).
    package func updateProduct(_ id: UUID, name: String?, description: String?, kind: ProductKind?) async throws {
        let rows = try await client.guardedQuery(
            """
            UPDATE products SET name = COALESCE(\(name), name), description = COALESCE(\(description), description),
                   kind = COALESCE(\(kind?.rawValue), kind), updated_at = clock_timestamp()
            WHERE id = \(id) AND NOT EXISTS (SELECT 1 FROM products o WHERE o.team_id = products.team_id AND o.name = \(name) AND o.id <> \(id))
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return }
        throw DeliveryStoreError.conflict("the team already has a product named '\(name ?? "")'")
    }

    /// Removes a product with its versions; refused while it has deployments (deleting them removes containers).
    package func removeProduct(_ id: UUID) async throws {
        try await client.transaction(logger: logger) { conn in
            let rows = try await conn.guardedQuery("SELECT count(*)::int8 FROM deployments WHERE product_id = \(id)", logger: logger)
            for try await count in rows.decode(Int64.self) where count > 0 {
                throw DeliveryStoreError.conflict("the product has \(count) deployment(s): remove them first (that removes their containers)")
            }
            try await conn.guardedQuery("DELETE FROM products WHERE id = \(id)", logger: logger)
        }
    }

    // MARK: versions

    private static let versionColumns = "id, product_id, name, kind, changelog, is_default, parent_id, created_at"
    private typealias VersionTuple = (UUID, UUID, String, String, String?, Bool, UUID?, Date)

    package func versions(product: UUID) async throws -> [VersionRow] {
        let rows = try await client.guardedQuery(
            "SELECT \(unescaped: Self.versionColumns) FROM versions WHERE product_id = \(product) ORDER BY created_at DESC, name", logger: logger)
        var out: [VersionRow] = []
        for try await r in rows.decode(VersionTuple.self) {
            guard let kind = VersionKind(rawValue: r.3) else { continue }
            out.append(
                VersionRow(id: r.0, productID: r.1, name: r.2, kind: kind, changelog: r.4, isDefault: r.5, parentID: r.6, createdAt: r.7, images: []))
        }
        let images = try await self.images(versions: out.map(\.id))
        return out.map { v in
            var v = v
            v.images = images[v.id] ?? []
            return v
        }
    }

    package func version(product: UUID, name: String) async throws -> VersionRow? {
        try await versions(product: product).first { $0.name == name }
    }

    package func version(id: UUID) async throws -> VersionRow? {
        let rows = try await client.guardedQuery("SELECT product_id FROM versions WHERE id = \(id)", logger: logger)
        for try await product in rows.decode(UUID.self) { return try await versions(product: product).first { $0.id == id } }
        return nil
    }

    private func images(versions ids: [UUID]) async throws -> [UUID: [ImageInfo]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.guardedQuery(
            """
            SELECT version_id, name, registry, image, tag, position, config::text FROM version_images
            WHERE version_id = ANY(\(ids)) ORDER BY version_id, position, name
            """, logger: logger)
        var out: [UUID: [ImageInfo]] = [:]
        for try await r in rows.decode((UUID, String, String, String, String, Int32, String).self) {
            guard let config = Self.decode(ContainerConfig.self, r.6) else { continue }
            out[r.0, default: []].append(ImageInfo(name: r.1, registry: r.2, image: r.3, tag: r.4, position: Int(r.5), config: config))
        }
        return out
    }

    /// Creates a version as a copy of the default version's images; the first one becomes the default.
    package func createVersion(product: UUID, name: String, kind: VersionKind, changelog: String?, makeDefault: Bool) async throws -> UUID {
        try await client.transaction(logger: logger) { conn in
            // Serialise version changes of one product (defaults, copies).
            try await conn.guardedQuery("SELECT id FROM products WHERE id = \(product) FOR UPDATE", logger: logger)
            let id = UUID()
            var existingDefault: UUID?
            for try await d in try await conn.guardedQuery(
                "SELECT id FROM versions WHERE product_id = \(product) AND is_default", logger: logger
            ).decode(UUID.self) { existingDefault = d }
            if makeDefault, existingDefault != nil {
                try await conn.guardedQuery("UPDATE versions SET is_default = false WHERE product_id = \(product)", logger: logger)
            }
            let rows = try await conn.guardedQuery(
                """
                INSERT INTO versions (id, product_id, name, kind, changelog, is_default)
                VALUES (\(id), \(product), \(name), \(kind.rawValue), \(changelog), \(makeDefault || existingDefault == nil))
                ON CONFLICT (product_id, name) DO NOTHING RETURNING id
                """, logger: logger)
            var inserted = false
            for try await _ in rows.decode(UUID.self) { inserted = true }
            guard inserted else { throw DeliveryStoreError.conflict("the product already has a version named '\(name)'") }
            if let source = existingDefault { try await Self.copyImages(from: source, to: id, conn: conn, logger: logger) }
            return id
        }
    }

    static func copyImages(from source: UUID, to target: UUID, conn: PostgresConnection, logger: Logger) async throws {
        try await conn.guardedQuery(
            """
            INSERT INTO version_images (version_id, name, registry, image, tag, position, config)
            SELECT \(target), name, registry, image, tag, position, config FROM version_images WHERE version_id = \(source)
            """, logger: logger)
    }

    package func updateVersion(_ id: UUID, changelog: String?) async throws {
        try await client.guardedQuery("UPDATE versions SET changelog = COALESCE(\(changelog), changelog) WHERE id = \(id)", logger: logger)
    }

    package func setDefault(product: UUID, version: UUID) async throws {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("SELECT id FROM products WHERE id = \(product) FOR UPDATE", logger: logger)
            try await conn.guardedQuery("UPDATE versions SET is_default = false WHERE product_id = \(product) AND is_default", logger: logger)
            try await conn.guardedQuery("UPDATE versions SET is_default = true WHERE id = \(version) AND product_id = \(product)", logger: logger)
        }
    }

    /// Removes a version: refused while it has deployments, or while it is the default of a product
    /// with other versions.
    package func removeVersion(product: UUID, version: UUID) async throws {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("SELECT id FROM products WHERE id = \(product) FOR UPDATE", logger: logger)
            for try await count in try await conn.guardedQuery(
                "SELECT count(*)::int8 FROM deployments WHERE version_id = \(version)", logger: logger
            ).decode(Int64.self) where count > 0 {
                throw DeliveryStoreError.conflict("the version has \(count) deployment(s): remove them first")
            }
            for try await (isDefault, others) in try await conn.guardedQuery(
                """
                SELECT v.is_default, (SELECT count(*) FROM versions o WHERE o.product_id = v.product_id AND o.id <> v.id)::int8
                FROM versions v WHERE v.id = \(version)
                """, logger: logger
            ).decode((Bool, Int64).self) where isDefault && others > 0 {
                throw DeliveryStoreError.conflict("it is the product's default version: make another one the default first")
            }
            try await conn.guardedQuery("DELETE FROM versions WHERE id = \(version) AND product_id = \(product)", logger: logger)
        }
    }

    /// The version's summary for the rules: its kind, whether it has a child, its deployments.
    package func summary(of version: VersionRow) async throws -> VersionSummary {
        let rows = try await client.guardedQuery(
            """
            SELECT EXISTS (SELECT 1 FROM versions c WHERE c.parent_id = \(version.id))
            """, logger: logger)
        var hasChild = false
        for try await exists in rows.decode(Bool.self) { hasChild = exists }
        let deployments = try await deploymentSummaries(version: version.id)
        return VersionSummary(
            id: VersionID(version.id.uuidString.lowercased()), kind: version.kind, hasChild: hasChild, deployments: deployments)
    }

    /// Increases an incremental version: the child copies every image and, per `plan`, deployments
    /// (as preparing, without tries, with their secret values sealed again for the copy). Re-checks in the transaction that the parent
    /// still has no child.
    package func increase(product: UUID, parent: UUID, name: String, changelog: String?, plan: IncreasePlan) async throws -> UUID {
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("SELECT id FROM products WHERE id = \(product) FOR UPDATE", logger: logger)
            for try await _ in try await conn.guardedQuery("SELECT 1 FROM versions WHERE parent_id = \(parent)", logger: logger).decode(Int32.self) {
                throw DeliveryStoreError.refused(.versionHasChild(VersionID(parent.uuidString.lowercased())))
            }
            let id = UUID()
            let rows = try await conn.guardedQuery(
                """
                INSERT INTO versions (id, product_id, name, kind, changelog, parent_id)
                VALUES (\(id), \(product), \(name), \(VersionKind.incremental.rawValue), \(changelog), \(parent))
                ON CONFLICT (product_id, name) DO NOTHING RETURNING id
                """, logger: logger)
            var inserted = false
            for try await _ in rows.decode(UUID.self) { inserted = true }
            guard inserted else { throw DeliveryStoreError.conflict("the product already has a version named '\(name)'") }
            try await Self.copyImages(from: parent, to: id, conn: conn, logger: logger)
            let copies = plan.deploymentsToCopy.compactMap { UUID(uuidString: $0.rawValue) }
            if !copies.isEmpty {
                // Secrets are sealed to their deployment's id and node: each copy's are opened and
                // sealed again for the copy (same node). One that does not open is not carried.
                var sealed: [UUID: (node: String, secrets: ByteBuffer?, names: [String])] = [:]
                let rows = try await conn.guardedQuery(
                    "SELECT id, node, secrets_sealed, secret_names FROM deployments WHERE id = ANY(\(copies))", logger: logger)
                for try await (source, node, secrets, names) in rows.decode((UUID, String, ByteBuffer?, [String]).self) {
                    sealed[source] = (node, secrets, names)
                }
                for (source, row) in sealed {
                    let copy = UUID()
                    let values = row.secrets.flatMap { try? openSecrets($0, deployment: source, node: row.node) } ?? [:]
                    let resealed = try sealedSecrets(values, deployment: copy, node: row.node)
                    try await conn.guardedQuery(
                        """
                        INSERT INTO deployments (id, team_id, product_id, version_id, node, prefix, note, protected, status, config, instances,
                                                 secrets_sealed, secret_names)
                        SELECT \(copy), team_id, product_id, \(id), node, prefix, note, protected, \(IncreasePlan.copiedStatus.rawValue),
                               config, instances, \(resealed), \(values.keys.sorted())
                        FROM deployments WHERE id = \(source)
                        """, logger: logger)
                }
            }
            return id
        }
    }

    // MARK: images

    /// Adds or replaces (by name) an image of a version; `position` nil appends it.
    package func putImage(version: UUID, _ image: ImageInfo, replacing oldName: String?, insert: Bool) async throws {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockUnfrozen(version, conn: conn, logger: logger)
            var names: [String] = []
            for try await n in try await conn.guardedQuery(
                "SELECT name FROM version_images WHERE version_id = \(version) ORDER BY position, name", logger: logger
            ).decode(String.self) { names.append(n) }
            if insert, names.contains(image.name) {
                throw DeliveryStoreError.conflict("the version already has an image named '\(image.name)' (container names are unique in a version)")
            }
            if !insert, let oldName, oldName != image.name, names.contains(image.name) {
                throw DeliveryStoreError.conflict("the version already has an image named '\(image.name)'")
            }
            names.removeAll { $0 == (oldName ?? image.name) }
            let position = min(max(image.position, 0), names.count)
            names.insert(image.name, at: position)
            try await conn.guardedQuery(
                "DELETE FROM version_images WHERE version_id = \(version) AND name = \(oldName ?? image.name)", logger: logger)
            try await conn.guardedQuery(
                """
                INSERT INTO version_images (version_id, name, registry, image, tag, position, config)
                VALUES (\(version), \(image.name), \(image.registry), \(image.image), \(image.tag), \(position), \(try Self.json(image.config))::jsonb)
                """, logger: logger)
            for (index, name) in names.enumerated() {
                try await conn.guardedQuery(
                    "UPDATE version_images SET position = \(index) WHERE version_id = \(version) AND name = \(name)", logger: logger)
            }
        }
    }

    package func removeImage(version: UUID, name: String) async throws -> Bool {
        try await client.transaction(logger: logger) { conn in
            try await Self.lockUnfrozen(version, conn: conn, logger: logger)
            let rows = try await conn.guardedQuery(
                "DELETE FROM version_images WHERE version_id = \(version) AND name = \(name) RETURNING name", logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    /// Locks the version for an image edit and refuses it when the version froze meanwhile (the
    /// Gateway checked before, outside this transaction): an incremental version with a child or a
    /// deployment in progress, successful, obsolete or downgraded. `beginTry` locks the version
    /// too, so an edit and a first deploy never overlap.
    static func lockUnfrozen(_ version: UUID, conn: PostgresConnection, logger: Logger) async throws {
        let frozenStatuses = [DeploymentStatus.inProgress, .successful, .obsolete, .downgraded].map(\.rawValue)
        let rows = try await conn.guardedQuery(
            """
            SELECT v.kind = \(VersionKind.incremental.rawValue)
                   AND (EXISTS (SELECT 1 FROM versions c WHERE c.parent_id = v.id)
                        OR EXISTS (SELECT 1 FROM deployments d WHERE d.version_id = v.id AND d.status = ANY(\(frozenStatuses)::text[])))
            FROM versions v WHERE v.id = \(version) FOR UPDATE
            """, logger: logger)
        for try await frozen in rows.decode(Bool.self) where frozen {
            throw DeliveryStoreError.conflict("the version is frozen (it has a child, or a deployment that ran): increase it to change its images")
        }
    }
}
