import CoxswainCore
import CoxswainDelivery
import CoxswainStore
import Foundation
import Hummingbird

/// Products, their versions and the versions' images with their container configuration (the
/// image layer): admins edit, everyone in the team reads. The rules (simple or complex, rolling or
/// incremental, frozen versions) are CoxswainDelivery's; this controller checks every value of
/// the request first and answers 4xx naming the field, and changes nothing on a refusal.
struct ProductsController: Sendable {
    let delivery: DeliveryRepository
    let registries: RegistryRepository
    let body: RequestBody
    let recorder: ActionRecorder

    // MARK: products

    /// `POST /v1/products`.
    func create(_ call: Call) async throws -> Response {
        let request = try await body.decode(ProductRequest.self, from: call.request)
        guard let name = request.name else { throw HTTPResponseError(.invalidName, "name: a product needs a name") }
        try Self.checkName(name, field: "name")
        try Self.checkText(request.description, field: "description")
        let kind = request.kind ?? .complex
        let row = try await refusing { try await delivery.createProduct(team: call.principal.teamID, name: name, kind: kind, description: request.description) }
        await recorder.record(call, action: "product.create", target: "product:\(name)", details: ["kind": kind.rawValue])
        return APIResponse.json(try await info(row, call: call, withVersions: true), status: .created)
    }

    /// `GET /v1/products`.
    func list(_ call: Call) async throws -> Response {
        APIResponse.json(try await delivery.products(team: call.principal.teamID))
    }

    /// `GET /v1/products/{product}`: with its versions and their images.
    func show(_ call: Call) async throws -> Response {
        APIResponse.json(try await info(try await product(call), call: call, withVersions: true))
    }

    /// `PUT /v1/products/{product}`: the description, or `kind: complex` to convert a simple product.
    func update(_ call: Call) async throws -> Response {
        let row = try await product(call)
        let request = try await body.decode(ProductRequest.self, from: call.request)
        let rename = request.name.flatMap { $0 == row.name ? nil : $0 }
        if let rename { try Self.checkName(rename, field: "name") }
        try Self.checkText(request.description, field: "description")
        if let kind = request.kind {
            do {
                _ = try ProductRules.conversion(from: row.kind, to: kind)
            } catch {
                throw HTTPResponseError(.conflict, error.description)
            }
        }
        try await refusing { try await delivery.updateProduct(row.id, name: rename, description: request.description, kind: request.kind) }
        var details: [String: String] = [:]
        if let rename { details["renamed"] = "\(row.name) → \(rename)" }
        if let kind = request.kind, kind != row.kind { details["kind"] = "\(row.kind.rawValue) → \(kind.rawValue)" }
        await recorder.record(call, action: "product.update", target: "product:\(row.name)", details: details)
        guard let updated = try await delivery.product(team: call.principal.teamID, name: rename ?? row.name) else {
            throw HTTPResponseError(.notFound, "the product is gone")
        }
        return APIResponse.json(try await info(updated, call: call, withVersions: true))
    }

    /// `DELETE /v1/products/{product}`: refused while it has deployments.
    func remove(_ call: Call) async throws -> Response {
        let row = try await product(call)
        try await refusing { try await delivery.removeProduct(row.id) }
        await recorder.record(call, action: "product.remove", target: "product:\(row.name)")
        return APIResponse.json(["status": "removed"])
    }

    // MARK: versions

    /// `POST /v1/products/{product}/versions`: a copy of the default version's images.
    func createVersion(_ call: Call) async throws -> Response {
        let row = try await product(call)
        let request = try await body.decode(VersionRequest.self, from: call.request)
        guard let name = request.name else { throw HTTPResponseError(.invalidName, "name: a version needs a name") }
        try Self.checkName(name, field: "name")
        try Self.checkText(request.changelog, field: "changelog")
        let kind = request.kind ?? .rolling
        let existing = try await delivery.versions(product: row.id)
        if let refusal = ProductRules.newVersionRefusal(productKind: row.kind, existingVersions: existing.count, kind: kind) {
            throw HTTPResponseError(.conflict, refusal.description)
        }
        _ = try await refusing {
            try await delivery.createVersion(product: row.id, name: name, kind: kind, changelog: request.changelog, makeDefault: request.makeDefault == true)
        }
        await recorder.record(call, action: "version.create", target: "product:\(row.name)/version:\(name)", details: ["kind": kind.rawValue])
        return APIResponse.json(try await versionInfo(row, name: name), status: .created)
    }

    /// `GET /v1/products/{product}/versions/{version}`.
    func showVersion(_ call: Call) async throws -> Response {
        let row = try await product(call)
        return APIResponse.json(try await versionInfo(row, name: try Self.parameter(call, "version")))
    }

    /// `PUT …/versions/{version}`: the changelog (a frozen version's changelog can still change).
    func updateVersion(_ call: Call) async throws -> Response {
        let (row, version) = try await version(call)
        let request = try await body.decode(VersionRequest.self, from: call.request)
        if let name = request.name, name != version.name { throw HTTPResponseError(.invalidArguments, "name: a version cannot be renamed") }
        if let kind = request.kind, kind != version.kind { throw HTTPResponseError(.invalidArguments, "kind: a version's kind cannot change") }
        try Self.checkText(request.changelog, field: "changelog")
        try await delivery.updateVersion(version.id, changelog: request.changelog)
        if request.makeDefault == true { try await delivery.setDefault(product: row.id, version: version.id) }
        await recorder.record(call, action: "version.update", target: "product:\(row.name)/version:\(version.name)")
        return APIResponse.json(try await versionInfo(row, name: version.name))
    }

    /// `DELETE …/versions/{version}`.
    func removeVersion(_ call: Call) async throws -> Response {
        let (row, version) = try await version(call)
        if row.kind == .simple { throw HTTPResponseError(.conflict, DeliveryRefusal.simpleProductHasOneVersion.description) }
        try await refusing { try await delivery.removeVersion(product: row.id, version: version.id) }
        await recorder.record(call, action: "version.remove", target: "product:\(row.name)/version:\(version.name)")
        return APIResponse.json(["status": "removed"])
    }

    /// `POST …/versions/{version}/increase`: the incremental child.
    func increase(_ call: Call) async throws -> Response {
        let (row, version) = try await version(call)
        let request = try await body.decode(IncreaseVersionRequest.self, from: call.request)
        try Self.checkName(request.name, field: "name")
        try Self.checkText(request.changelog, field: "changelog")
        let summary = try await delivery.summary(of: version)
        let plan: IncreasePlan
        do {
            plan = try VersionRules.increasePlan(summary, copyingDeployments: request.copyDeployments ?? true)
        } catch {
            throw HTTPResponseError(.conflict, error.description)
        }
        _ = try await refusing {
            try await delivery.increase(product: row.id, parent: version.id, name: request.name, changelog: request.changelog, plan: plan)
        }
        await recorder.record(
            call, action: "version.increase", target: "product:\(row.name)/version:\(request.name)",
            details: ["parent": version.name, "copied_deployments": "\(plan.deploymentsToCopy.count)"])
        return APIResponse.json(try await versionInfo(row, name: request.name), status: .created)
    }

    /// `POST …/versions/{version}/default`.
    func setDefault(_ call: Call) async throws -> Response {
        let (row, version) = try await version(call)
        try await delivery.setDefault(product: row.id, version: version.id)
        await recorder.record(call, action: "version.default", target: "product:\(row.name)/version:\(version.name)")
        return APIResponse.json(try await versionInfo(row, name: version.name))
    }

    // MARK: images

    /// `POST …/versions/{version}/images`.
    func addImage(_ call: Call) async throws -> Response {
        let (row, version) = try await editableVersion(call)
        let request = try await body.decode(ImageRequest.self, from: call.request)
        guard let registry = request.registry else { throw HTTPResponseError(.invalidRegistry, "registry: an image comes from a team registry") }
        guard let image = request.image else { throw HTTPResponseError(.invalidImage, "image: the repository is missing") }
        guard let tag = request.tag else {
            throw HTTPResponseError(.invalidImage, "tag: an image in a version needs a tag (\(image):TAG); nothing was changed")
        }
        let name = request.name ?? request.config?.name ?? Self.defaultName(image)
        let info = ImageInfo(
            name: name, registry: registry, image: image, tag: tag, position: request.position ?? version.images.count,
            config: request.config ?? ContainerConfig())
        try await check(info, call: call)
        try await refusing { try await delivery.putImage(version: version.id, info, replacing: nil, insert: true) }
        await recorder.record(
            call, action: "image.add", target: "product:\(row.name)/version:\(version.name)/image:\(name)",
            details: ["image": "\(registry)/\(image):\(tag)"])
        return APIResponse.json(try await versionInfo(row, name: version.name), status: .created)
    }

    /// `PUT …/images/{image}`: absent fields stay; a given `config` replaces the image's.
    func updateImage(_ call: Call) async throws -> Response {
        let (row, version) = try await editableVersion(call)
        let current = try Self.parameter(call, "image")
        guard let stored = version.images.first(where: { $0.name == current }) else {
            throw HTTPResponseError(.notFound, "version \(version.name) has no image '\(current)'")
        }
        let request = try await body.decode(ImageRequest.self, from: call.request)
        var info = stored
        if let name = request.name { info.name = name }
        if let registry = request.registry { info.registry = registry }
        if let image = request.image { info.image = image }
        if let tag = request.tag { info.tag = tag }
        if let position = request.position { info.position = position }
        if let config = request.config { info.config = config }
        try await check(info, call: call)
        try await refusing { try await delivery.putImage(version: version.id, info, replacing: stored.name, insert: false) }
        await recorder.record(call, action: "image.update", target: "product:\(row.name)/version:\(version.name)/image:\(info.name)")
        return APIResponse.json(try await versionInfo(row, name: version.name))
    }

    /// `DELETE …/images/{image}`.
    func removeImage(_ call: Call) async throws -> Response {
        let (row, version) = try await editableVersion(call)
        let name = try Self.parameter(call, "image")
        guard try await delivery.removeImage(version: version.id, name: name) else {
            throw HTTPResponseError(.notFound, "version \(version.name) has no image '\(name)'")
        }
        await recorder.record(call, action: "image.remove", target: "product:\(row.name)/version:\(version.name)/image:\(name)")
        return APIResponse.json(["status": "removed"])
    }

    // MARK: -

    /// Every value of an image checked before anything is stored.
    private func check(_ image: ImageInfo, call: Call) async throws {
        guard ContainerOperation.isDNSLabel(image.name) else {
            throw HTTPResponseError(.invalidName, "name: '\(image.name)' is not a container name (lowercase letters, digits and '-', 1 to 63)")
        }
        if let configName = image.config.name, configName != image.name {
            throw HTTPResponseError(.invalidArguments, "config.name: '\(configName)' differs from the image's name '\(image.name)'")
        }
        guard RegistryName.isValid(image.registry), let registry = try await registries.find(team: call.principal.teamID, name: image.registry) else {
            throw HTTPResponseError(.unknownRegistry, "registry: the team has no registry named '\(image.registry)' (coxswain registry list)")
        }
        guard !image.image.contains(":"), !image.image.contains("@") else {
            throw HTTPResponseError(.invalidImage, "image: give the repository without a tag or digest, and the tag in 'tag'")
        }
        guard Self.isTag(image.tag) else { throw HTTPResponseError(.invalidImage, "tag: '\(image.tag)' is not a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})") }
        if !registry.isLocal, case .failure(let problem) = ImagePath.resolve("\(image.image):\(image.tag)", in: registry) {
            throw HTTPResponseError(.invalidImage, "image: \(problem.message)")
        }
        guard image.position >= 0, image.position <= 10_000 else { throw HTTPResponseError(.outOfRange, "position: must be 0 or more") }
        let problems = image.config.problems(at: "config") + VersionTemplating.problems(in: image.config, at: "config")
        if let first = problems.first {
            throw HTTPResponseError(.invalidArguments, problems.count == 1 ? first.description : "\(first) (and \(problems.count - 1) more)")
        }
    }

    static func isTag(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, tag.utf8.count <= 128 else { return false }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
        return first != "." && first != "-" && tag.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// The container name an image gets when none is given: its repository's last component, as a label.
    static func defaultName(_ image: String) -> String {
        let last = image.split(separator: "/").last.map(String.init) ?? image
        return String(last.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(63))
    }

    /// Product and version names: 1 to 63 of letters, digits, `.`, `_`, `-`, `+`, starting with a letter or digit.
    static func checkName(_ name: String, field: String) throws {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+")
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63, CharacterSet.alphanumerics.contains(first), first.isASCII,
            name.unicodeScalars.allSatisfy({ allowed.contains($0) })
        else {
            throw HTTPResponseError(.invalidName, "\(field): '\(name)' must be 1 to 63 letters, digits, '.', '_', '-' or '+', starting with a letter or digit")
        }
    }

    static func checkText(_ text: String?, field: String) throws {
        if let text, text.utf8.count > 16_384 { throw HTTPResponseError(.outOfRange, "\(field): at most 16 KiB") }
    }

    static func parameter(_ call: Call, _ name: String) throws -> String {
        guard let value = call.parameter(name), !value.isEmpty else { throw HTTPResponseError(.notFound, "missing \(name)") }
        return value
    }

    private func product(_ call: Call) async throws -> ProductRow {
        let name = try Self.parameter(call, "product")
        guard let row = try await delivery.product(team: call.principal.teamID, name: name) else {
            throw HTTPResponseError(.notFound, "the team has no product named '\(name)'")
        }
        return row
    }

    private func version(_ call: Call) async throws -> (ProductRow, VersionRow) {
        let row = try await product(call)
        let name = try Self.parameter(call, "version")
        guard let version = try await delivery.version(product: row.id, name: name) else {
            throw HTTPResponseError(.notFound, "product \(row.name) has no version named '\(name)'")
        }
        return (row, version)
    }

    /// The version, refused when it is frozen (an incremental version deployed or increased).
    private func editableVersion(_ call: Call) async throws -> (ProductRow, VersionRow) {
        let (row, version) = try await version(call)
        if let refusal = VersionRules.editRefusal(try await delivery.summary(of: version)) {
            throw HTTPResponseError(.conflict, "version \(version.name): \(refusal.description)")
        }
        return (row, version)
    }

    private func info(_ row: ProductRow, call: Call, withVersions: Bool) async throws -> ProductInfo {
        let listed = try await delivery.products(team: call.principal.teamID).first { $0.name == row.name }
        var info =
            listed
            ?? ProductInfo(
                id: ProductID(row.id.uuidString.lowercased()), name: row.name, kind: row.kind, description: row.description, defaultVersion: nil,
                versionCount: 0, deploymentCount: 0, createdAt: row.createdAt, updatedAt: row.updatedAt)
        if withVersions {
            var versions: [VersionInfo] = []
            for version in try await delivery.versions(product: row.id) { versions.append(try await versionInfo(row, version)) }
            info.versions = versions
        }
        return info
    }

    private func versionInfo(_ row: ProductRow, name: String) async throws -> VersionInfo {
        guard let version = try await delivery.version(product: row.id, name: name) else {
            throw HTTPResponseError(.notFound, "product \(row.name) has no version named '\(name)'")
        }
        return try await versionInfo(row, version)
    }

    private func versionInfo(_ row: ProductRow, _ version: VersionRow) async throws -> VersionInfo {
        let summary = try await delivery.summary(of: version)
        let parent = try await version.parentID.asyncMap { try await delivery.version(id: $0)?.name } ?? nil
        return VersionInfo(
            id: VersionID(version.id.uuidString.lowercased()), product: row.name, name: version.name, kind: version.kind, changelog: version.changelog,
            isDefault: version.isDefault, parent: parent, frozen: VersionRules.isFrozen(summary), images: version.images, createdAt: version.createdAt)
    }
}

/// Runs a store write and turns its refusals into 4xx answers.
func refusing<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as DeliveryStoreError {
        switch error {
        case .notFound: throw HTTPResponseError(.notFound, error.description)
        case .conflict, .refused: throw HTTPResponseError(.conflict, error.description)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
