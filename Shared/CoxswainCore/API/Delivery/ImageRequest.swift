import Foundation

/// `POST /v1/products/{product}/versions/{version}/images` (add) and `PUT …/images/{image}`
/// (update; absent fields stay, a given `config` replaces the stored one). The image's name is its
/// container's name within a deployment (`config.name` when not given: the repository's last
/// path component).
public struct ImageRequest: Codable, Sendable, Equatable {
    /// The container name within the deployment, an RFC 1123 label.
    public var name: String?
    /// A team registry's name.
    public var registry: String?
    /// The repository within the registry (`library/nginx`, `team/web`), without a tag.
    public var image: String?
    public var tag: String?
    /// Position in the version's image order (0-based; default: last). Rollouts go in this order.
    public var position: Int?
    public var config: ContainerConfig?

    public init(
        name: String? = nil, registry: String? = nil, image: String? = nil, tag: String? = nil, position: Int? = nil, config: ContainerConfig? = nil
    ) {
        self.name = name
        self.registry = registry
        self.image = image
        self.tag = tag
        self.position = position
        self.config = config
    }
}

/// An image of a version, with its container configuration (the image layer).
public struct ImageInfo: Codable, Sendable, Equatable {
    public var name: String
    public var registry: String
    public var image: String
    public var tag: String
    public var position: Int
    public var config: ContainerConfig

    public init(name: String, registry: String, image: String, tag: String, position: Int, config: ContainerConfig) {
        self.name = name
        self.registry = registry
        self.image = image
        self.tag = tag
        self.position = position
        self.config = config
    }
}
