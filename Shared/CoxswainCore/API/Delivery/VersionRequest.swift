import Foundation

/// `POST /v1/products/{product}/versions` (create: a copy of the default version's images) and
/// `PUT …/versions/{version}` (update the changelog). A product's first version becomes its default.
public struct VersionRequest: Codable, Sendable, Equatable {
    public var name: String?
    public var kind: VersionKind?
    public var changelog: String?
    /// Make it the product's default version.
    public var makeDefault: Bool?

    public init(name: String? = nil, kind: VersionKind? = nil, changelog: String? = nil, makeDefault: Bool? = nil) {
        self.name = name
        self.kind = kind
        self.changelog = changelog
        self.makeDefault = makeDefault
    }
}

/// `POST …/versions/{version}/increase`: the incremental child version.
public struct IncreaseVersionRequest: Codable, Sendable, Equatable {
    public var name: String
    public var changelog: String?
    /// Copy the parent's successful, preparing and failed deployments as preparing ones (default true).
    public var copyDeployments: Bool?

    public init(name: String, changelog: String? = nil, copyDeployments: Bool? = nil) {
        self.name = name
        self.changelog = changelog
        self.copyDeployments = copyDeployments
    }
}

/// A version as the API shows it, with its images in order.
public struct VersionInfo: Codable, Sendable, Equatable {
    public var id: VersionID
    public var product: String
    public var name: String
    public var kind: VersionKind
    public var changelog: String?
    public var isDefault: Bool
    /// The parent version's name (incremental versions made by increase).
    public var parent: String?
    /// Whether images and configurations can no longer be edited (an incremental version deployed
    /// or increased).
    public var frozen: Bool
    public var images: [ImageInfo]
    public var createdAt: Date

    public init(
        id: VersionID, product: String, name: String, kind: VersionKind, changelog: String?, isDefault: Bool, parent: String?, frozen: Bool,
        images: [ImageInfo], createdAt: Date
    ) {
        self.id = id
        self.product = product
        self.name = name
        self.kind = kind
        self.changelog = changelog
        self.isDefault = isDefault
        self.parent = parent
        self.frozen = frozen
        self.images = images
        self.createdAt = createdAt
    }
}
