import CoxswainCore
import Foundation
import Yams

/// The declarative file of `coxswain apply -f` and `coxswain export product`: a product, its
/// versions and each version's images with their container configuration.
///
/// ```yaml
/// name: shop
/// kind: complex
/// description: The web shop
/// versions:
///   - name: "1.0"
///     kind: incremental
///     default: true
///     changelog: First release
///     images:
///       - name: web
///         registry: local
///         image: demo/httpd
///         tag: "1"
///         config: {environment: {PORT: "8080"}, ports: [{internal: 8080, external: 25580}]}
/// ```
///
/// A simple product lists its images at the top level instead of `versions` (its one hidden
/// version). A field left out is not managed: apply leaves it as it is on the Gateway. A version's
/// `images`, when given, are the whole list: images not in it are removed, in its order.
package struct ProductFile: Codable, Sendable, Equatable {
    package var name: String
    package var kind: ProductKind?
    package var description: String?
    /// A simple product's images.
    package var images: [ImageEntry]?
    /// A complex product's versions (the ones the file manages; others are left alone).
    package var versions: [VersionEntry]?

    package init(name: String, kind: ProductKind? = nil, description: String? = nil, images: [ImageEntry]? = nil, versions: [VersionEntry]? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
        self.images = images
        self.versions = versions
    }

    /// One version of the file.
    package struct VersionEntry: Codable, Sendable, Equatable {
        package var name: String
        package var kind: VersionKind?
        /// Make it the product's default version (false is not managed: another version's `default` moves it).
        package var isDefault: Bool?
        package var changelog: String?
        package var images: [ImageEntry]?

        package init(name: String, kind: VersionKind? = nil, isDefault: Bool? = nil, changelog: String? = nil, images: [ImageEntry]? = nil) {
            self.name = name
            self.kind = kind
            self.isDefault = isDefault
            self.changelog = changelog
            self.images = images
        }

        enum CodingKeys: String, CodingKey {
            case name, kind
            case isDefault = "default"
            case changelog, images
        }
    }

    /// One image of a version: where it comes from and its configuration (the image layer).
    package struct ImageEntry: Codable, Sendable, Equatable {
        /// The container's name in a deployment; by default the repository's last path component.
        package var name: String?
        /// A team registry's name.
        package var registry: String
        /// The repository within the registry, without a tag.
        package var image: String
        package var tag: String
        package var config: ContainerConfig?

        package init(name: String? = nil, registry: String, image: String, tag: String, config: ContainerConfig? = nil) {
            self.name = name
            self.registry = registry
            self.image = image
            self.tag = tag
            self.config = config
        }

        /// The name the Gateway gives it: `name`, else `config.name`, else the repository's last component.
        package var effectiveName: String {
            name ?? config?.name ?? String(image.split(separator: "/").last ?? Substring(image))
        }
    }
}

extension ProductFile {
    /// The file as the Gateway holds `product` (with its versions and images): what `export` writes,
    /// and what applying it again changes nothing of.
    package init(_ product: ProductInfo) {
        func entries(_ images: [ImageInfo]) -> [ImageEntry] {
            images.sorted { $0.position < $1.position }.map { image in
                let config = image.config.normalized(name: image.name)
                return ImageEntry(
                    name: image.name, registry: image.registry, image: image.image, tag: image.tag, config: config == ContainerConfig() ? nil : config)
            }
        }
        self.init(name: product.name, kind: product.kind, description: product.description)
        let versions = product.versions ?? []
        switch product.kind {
        case .simple:
            images = entries(versions.first?.images ?? [])
        case .complex:
            // Oldest first: a version is created after the version it was copied from.
            self.versions = versions.sorted { $0.createdAt < $1.createdAt }.map { version in
                VersionEntry(
                    name: version.name, kind: version.kind, isDefault: version.isDefault ? true : nil, changelog: version.changelog,
                    images: entries(version.images))
            }
        }
    }

    /// What is wrong with the file beyond its shape: names, duplicates, kinds, image references and
    /// configurations, each naming its field.
    package var problems: [ConfigProblem] {
        var found: [ConfigProblem] = []
        if name.isEmpty { found.append(ConfigProblem(path: "name", message: "a product needs a name")) }
        if images != nil, versions != nil {
            found.append(ConfigProblem(path: "", message: "a simple product has 'images', a complex one 'versions'; not both"))
        }
        if kind == .simple, versions != nil {
            found.append(ConfigProblem(path: "versions", message: "a simple product has one hidden version: list its 'images' instead"))
        }
        if kind == .complex, images != nil {
            found.append(ConfigProblem(path: "images", message: "a complex product lists its images under each of its 'versions'"))
        }
        if let images { found += Self.problems(of: images, at: "images") }
        var seen: Set<String> = []
        var defaults: [String] = []
        for (i, version) in (versions ?? []).enumerated() {
            let at = "versions[\(i)]"
            if version.name.isEmpty { found.append(ConfigProblem(path: "\(at).name", message: "a version needs a name")) }
            if !seen.insert(version.name).inserted { found.append(ConfigProblem(path: "\(at).name", message: "version '\(version.name)' is listed twice")) }
            if version.isDefault == true { defaults.append(version.name) }
            if let images = version.images { found += Self.problems(of: images, at: "\(at).images") }
        }
        if defaults.count > 1 {
            found.append(ConfigProblem(path: "versions", message: "one default version at most, not \(defaults.joined(separator: ", "))"))
        }
        return found
    }

    static func problems(of images: [ImageEntry], at root: String) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        var seen: Set<String> = []
        for (i, image) in images.enumerated() {
            let at = "\(root)[\(i)]"
            let name = image.effectiveName
            if !ContainerOperation.isDNSLabel(name) {
                found.append(ConfigProblem(path: "\(at).name", message: "'\(name)' is not a DNS label (lowercase letters, digits and '-', 1 to 63)"))
            } else if !seen.insert(name).inserted {
                found.append(ConfigProblem(path: "\(at).name", message: "image '\(name)' is listed twice"))
            }
            if image.registry.isEmpty { found.append(ConfigProblem(path: "\(at).registry", message: "a team registry's name (coxswain registry list)")) }
            if !ImagePath.isRepository(image.image) {
                found.append(ConfigProblem(path: "\(at).image", message: "'\(image.image)' is not a repository (lowercase path, without a tag)"))
            }
            if !ImagePath.isTag(image.tag) { found.append(ConfigProblem(path: "\(at).tag", message: "'\(image.tag)' is not a tag")) }
            if let config = image.config { found += config.problems(at: "\(at).config") }
        }
        return found
    }

    /// Reads a product file (YAML or JSON).
    package static func load(_ file: YAMLFile) throws(YAMLFileError) -> ProductFile {
        let product = try file.decode(ProductFile.self)
        if let problem = product.problems.first {
            // The line of the field when it can be found, else of the document.
            throw file.problem(file.nearestNode(at: problem.path), problem.path, problem.message)
        }
        return product
    }

    /// The file as YAML, in the order a person reads it.
    package func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }
}

extension YAMLFile {
    /// The node at `path`, or at the closest field above it that the file has (a problem about a
    /// field left out points at its parent).
    func nearestNode(at path: String) -> Node? {
        var path = path
        while !path.isEmpty {
            if let node = node(at: path) { return node }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return root
    }

    /// The node at a field path such as `versions[0].images[1].tag`, or nil.
    func node(at path: String) -> Node? {
        var current = root
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = current?.mapping?[String(name)] }
            for index in indices {
                guard case .sequence(let items)? = current, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }
}

extension ContainerConfig {
    /// The configuration with empty lists and maps as absent, and a `name` equal to the image's
    /// dropped: two configurations that mean the same compare equal.
    package func normalized(name imageName: String? = nil) -> ContainerConfig {
        var c = self
        if c.name == imageName { c.name = nil }
        if c.environment?.isEmpty == true { c.environment = nil }
        if c.secrets?.isEmpty == true { c.secrets = nil }
        if c.ports?.isEmpty == true { c.ports = nil }
        if c.portRanges?.isEmpty == true { c.portRanges = nil }
        if c.volumes?.isEmpty == true { c.volumes = nil }
        if c.networks?.isEmpty == true { c.networks = nil }
        if c.labels?.isEmpty == true { c.labels = nil }
        if c.initContainers?.isEmpty == true { c.initContainers = nil }
        if c.log?.options?.isEmpty == true { c.log?.options = nil }
        return c
    }
}
