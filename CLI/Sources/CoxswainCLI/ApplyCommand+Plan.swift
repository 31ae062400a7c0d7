import CoxswainCore

/// One request `apply` sends to bring the Gateway's product to what the file says.
package enum ApplyStep: Sendable, Equatable {
    case createProduct(ProductRequest)
    case updateProduct(product: String, ProductRequest)
    case createVersion(product: String, VersionRequest)
    case updateVersion(product: String, version: String, VersionRequest)
    case setDefaultVersion(product: String, version: String)
    case addImage(product: String, version: String, ImageRequest)
    case updateImage(product: String, version: String, image: String, ImageRequest)
    case removeImage(product: String, version: String, image: String)

    /// The version an image step is about (nil for product and version steps).
    package var imageVersion: String? {
        switch self {
        case .addImage(_, let version, _), .updateImage(_, let version, _, _), .removeImage(_, let version, _): version
        default: nil
        }
    }

    /// The route it calls.
    package var route: APIRoute {
        switch self {
        case .createProduct: .createProduct
        case .updateProduct: .updateProduct
        case .createVersion: .createVersion
        case .updateVersion: .updateVersion
        case .setDefaultVersion: .setDefaultVersion
        case .addImage: .addImage
        case .updateImage: .updateImage
        case .removeImage: .removeImage
        }
    }

    /// The route's path with its parameters filled.
    package var path: String {
        switch self {
        case .createProduct: route.path([:])
        case .updateProduct(let product, _): route.path(["product": product])
        case .createVersion(let product, _): route.path(["product": product])
        case .updateVersion(let product, let version, _), .setDefaultVersion(let product, let version), .addImage(let product, let version, _):
            route.path(["product": product, "version": version])
        case .updateImage(let product, let version, let image, _), .removeImage(let product, let version, let image):
            route.path(["product": product, "version": version, "image": image])
        }
    }

    /// What it does, for the operator: `add image web to version 1.0 (local demo/httpd:1)`.
    package var summary: String {
        func changed(_ fields: [String?]) -> String { fields.compactMap { $0 }.joined(separator: ", ") }
        switch self {
        case .createProduct(let r):
            return "create product \(r.name ?? "?") (\(r.kind?.rawValue ?? ProductKind.simple.rawValue))"
        case .updateProduct(let product, let r):
            return "update product \(product): " + changed([r.description.map { _ in "description" }, r.kind.map { "kind → \($0.rawValue)" }])
        case .createVersion(let product, let r):
            let traits = [r.kind?.rawValue, r.makeDefault == true ? "default" : nil].compactMap { $0 }
            return "create version \(r.name ?? "?") of \(product)\(traits.isEmpty ? "" : " (\(traits.joined(separator: ", ")))")"
        case .updateVersion(_, let version, let r):
            return "update version \(version): " + changed([r.changelog.map { _ in "changelog" }])
        case .setDefaultVersion(let product, let version):
            return "make \(version) the default version of \(product)"
        case .addImage(_, let version, let r):
            return "add image \(r.name ?? "?") to version \(version) (\(r.registry ?? "?") \(r.image ?? "?"):\(r.tag ?? "?"))"
        case .updateImage(_, let version, let image, let r):
            let fields = [
                r.registry.map { "registry → \($0)" }, r.image.map { "image → \($0)" }, r.tag.map { "tag → \($0)" }, r.config.map { _ in "config" },
                r.position.map { "position → \($0)" },
            ]
            return "update image \(image) of version \(version): " + changed(fields)
        case .removeImage(_, let version, let image):
            return "remove image \(image) from version \(version)"
        }
    }
}

/// Why a file cannot be applied to what the Gateway holds (nothing is sent then).
package struct ApplyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The requests that bring a product on the Gateway to a `ProductFile`: pure, from the file and
/// the product as `GET /v1/products/{product}` shows it (nil when it does not exist). Applying
/// the same file twice plans nothing the second time.
package struct ApplyPlan: Sendable, Equatable {
    package var steps: [ApplyStep]
    /// Versions whose current images the plan had to guess (new versions start as a copy of the
    /// default version's images): the images of these are planned again once they exist.
    package var guessedVersions: Set<String>
    /// Things left as they are, for the operator (versions on the Gateway the file does not list).
    package var notes: [String]

    package var isEmpty: Bool { steps.isEmpty }

    package init(file: ProductFile, current: ProductInfo?) throws(ApplyRefusal) {
        steps = []
        guessedVersions = []
        notes = []
        let product = file.name
        let fileKind = file.kind ?? (file.versions != nil ? .complex : .simple)
        var images: [String: [ImageInfo]] = [:]
        var defaultVersion = current?.defaultVersion
        var versionKinds: [String: (kind: VersionKind, frozen: Bool, changelog: String?, isDefault: Bool)] = [:]
        for version in current?.versions ?? [] {
            images[version.name] = version.images
            versionKinds[version.name] = (version.kind, version.frozen, version.changelog, version.isDefault)
        }

        if let current {
            var request = ProductRequest()
            if let description = file.description, description != (current.description ?? "") { request.description = description }
            switch (current.kind, fileKind) {
            case (.complex, .simple):
                throw ApplyRefusal("product \(product) is complex on the Gateway; a complex product cannot become simple (list its 'versions')")
            case (.simple, .complex):
                request.kind = .complex
            default:
                break
            }
            if request != ProductRequest() { steps.append(.updateProduct(product: product, request)) }
        } else {
            steps.append(.createProduct(ProductRequest(name: product, kind: fileKind, description: file.description)))
            if fileKind == .simple {
                images[ProductInfo.simpleVersionName] = []
                guessedVersions.insert(ProductInfo.simpleVersionName)
            }
        }

        if fileKind == .simple {
            if let desired = file.images {
                let name = current?.versions?.first?.name ?? ProductInfo.simpleVersionName
                if versionKinds[name]?.frozen == true, Self.differ(desired, images[name] ?? []) {
                    throw ApplyRefusal("product \(product)'s version is frozen; its images cannot change")
                }
                steps += Self.imageSteps(product: product, version: name, desired: desired, current: images[name] ?? [])
            }
            return
        }

        for version in file.versions ?? [] {
            if let existing = versionKinds[version.name] {
                if let kind = version.kind, kind != existing.kind {
                    throw ApplyRefusal(
                        "version \(version.name) of \(product) is \(existing.kind.rawValue) on the Gateway, \(kind.rawValue) in the file; a version cannot change kind"
                    )
                }
                if let changelog = version.changelog, changelog != (existing.changelog ?? "") {
                    steps.append(.updateVersion(product: product, version: version.name, VersionRequest(changelog: changelog)))
                }
                if version.isDefault == true, defaultVersion != version.name {
                    steps.append(.setDefaultVersion(product: product, version: version.name))
                    defaultVersion = version.name
                }
                if let desired = version.images {
                    if existing.frozen, Self.differ(desired, images[version.name] ?? []) {
                        throw ApplyRefusal(
                            "version \(version.name) of \(product) is frozen (an incremental version deployed or increased); its images cannot change: increase it (coxswain version increase) and put the changes in the new version"
                        )
                    }
                    steps += Self.imageSteps(product: product, version: version.name, desired: desired, current: images[version.name] ?? [])
                }
            } else {
                // A new version starts as a copy of the default version's images; the first one becomes the default.
                let becomesDefault = version.isDefault == true && defaultVersion != nil
                steps.append(
                    .createVersion(
                        product: product,
                        VersionRequest(name: version.name, kind: version.kind, changelog: version.changelog, makeDefault: becomesDefault ? true : nil)))
                let copied = defaultVersion.flatMap { images[$0] } ?? []
                if defaultVersion == nil || becomesDefault { defaultVersion = version.name }
                guessedVersions.insert(version.name)
                images[version.name] = copied
                versionKinds[version.name] = (version.kind ?? .rolling, false, version.changelog, defaultVersion == version.name)
                if let desired = version.images {
                    steps += Self.imageSteps(product: product, version: version.name, desired: desired, current: copied)
                }
            }
            // What the version's images are once its steps ran (a later new version copies them when it is the default).
            if let desired = version.images { images[version.name] = Self.infos(desired) }
        }
        let listed = Set((file.versions ?? []).map(\.name))
        let others = (current?.versions ?? []).map(\.name).filter { !listed.contains($0) }
        if !others.isEmpty { notes.append("versions not in the file are left as they are: \(others.joined(separator: ", "))") }
    }

    /// The image requests that turn `current` into `desired`, in `desired`'s order: removals first,
    /// then each desired image added at its position or updated where it differs (a move is an
    /// update of its position).
    package static func imageSteps(product: String, version: String, desired: [ProductFile.ImageEntry], current: [ImageInfo]) -> [ApplyStep] {
        var steps: [ApplyStep] = []
        let wanted = Set(desired.map(\.effectiveName))
        let byName = Dictionary(current.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var order = current.sorted { $0.position < $1.position }.map(\.name)
        for name in order where !wanted.contains(name) {
            steps.append(.removeImage(product: product, version: version, image: name))
        }
        order.removeAll { !wanted.contains($0) }
        for (position, entry) in desired.enumerated() {
            let name = entry.effectiveName
            let config = entry.config?.normalized(name: name) ?? ContainerConfig()
            guard let existing = byName[name] else {
                steps.append(
                    .addImage(
                        product: product, version: version,
                        ImageRequest(
                            name: name, registry: entry.registry, image: entry.image, tag: entry.tag, position: position,
                            config: config == ContainerConfig() ? nil : config)))
                order.insert(name, at: min(position, order.count))
                continue
            }
            var request = ImageRequest()
            if existing.registry != entry.registry { request.registry = entry.registry }
            if existing.image != entry.image { request.image = entry.image }
            if existing.tag != entry.tag { request.tag = entry.tag }
            if existing.config.normalized(name: name) != config { request.config = config }
            if let at = order.firstIndex(of: name), at != position {
                order.remove(at: at)
                order.insert(name, at: min(position, order.count))
                request.position = position
            }
            if request != ImageRequest() { steps.append(.updateImage(product: product, version: version, image: name, request)) }
        }
        return steps
    }

    /// Whether applying `desired` to `current` would change anything.
    static func differ(_ desired: [ProductFile.ImageEntry], _ current: [ImageInfo]) -> Bool {
        !imageSteps(product: "", version: "", desired: desired, current: current).isEmpty
    }

    /// The images as the Gateway will hold them after `desired` was applied.
    static func infos(_ desired: [ProductFile.ImageEntry]) -> [ImageInfo] {
        desired.enumerated().map { i, entry in
            ImageInfo(
                name: entry.effectiveName, registry: entry.registry, image: entry.image, tag: entry.tag, position: i,
                config: entry.config?.normalized(name: entry.effectiveName) ?? ContainerConfig())
        }
    }
}
