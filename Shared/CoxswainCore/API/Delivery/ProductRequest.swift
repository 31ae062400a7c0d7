import Foundation

/// `POST /v1/products` (create) and `PUT /v1/products/{product}` (update; absent fields stay).
/// Updating `kind` to `complex` converts a simple product; the reverse is refused.
public struct ProductRequest: Codable, Sendable, Equatable {
    public var name: String?
    public var kind: ProductKind?
    public var description: String?

    public init(name: String? = nil, kind: ProductKind? = nil, description: String? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
    }
}

/// A product as the API shows it, with its versions (newest first) when asked for one product.
public struct ProductInfo: Codable, Sendable, Equatable {
    public var id: ProductID
    public var name: String
    public var kind: ProductKind
    public var description: String?
    /// The default version's name (a simple product's hidden rolling version is `rolling`).
    public var defaultVersion: String?
    public var versionCount: Int
    public var deploymentCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var versions: [VersionInfo]?

    public init(
        id: ProductID, name: String, kind: ProductKind, description: String?, defaultVersion: String?, versionCount: Int, deploymentCount: Int,
        createdAt: Date, updatedAt: Date, versions: [VersionInfo]? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.description = description
        self.defaultVersion = defaultVersion
        self.versionCount = versionCount
        self.deploymentCount = deploymentCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.versions = versions
    }

    /// The name of a simple product's one hidden version.
    public static let simpleVersionName = "rolling"
}
