import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain version create|list|show|update|remove|increase|set-default|image`: a product's
/// versions and, under `version image`, each version's images (admins change, everyone reads).
package struct VersionCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "A product's versions and their images (admins change them, everyone reads).",
        discussion: """
            A rolling version is changed and redeployed in place; an incremental one is frozen once deployed or increased, and \
            increase makes its child. A new version starts as a copy of the default version's images. The images of a version are \
            under `coxswain version image` (`coxswain image` is the engine images on the nodes).
            Examples:
              coxswain version create shop 1.0 --kind incremental --changelog 'First release'
              coxswain version image add shop 1.0 --registry local --image demo/httpd --tag 1 -p 25580:8080 -e MODE=prod
              coxswain version increase shop 1.0 1.1 --changelog 'Faster'
              coxswain version set-default shop 1.1
            """,
        subcommands: [Create.self, List.self, Show.self, Update.self, Remove.self, Increase.self, SetDefault.self, Images.self]
    )
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a version of a complex product (admins): a copy of the default version's images.")
        @Argument var product: String
        @Argument(help: "The version's name (1.0, 2024-06, …).") var name: String
        @Option(help: "rolling (changed and redeployed in place; the default) or incremental (frozen once deployed).") var kind: VersionKind = .rolling
        @Option(help: "What changed.") var changelog: String?
        @Flag(name: .customLong("default"), help: "Make it the product's default version.") var makeDefault = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let request = VersionRequest(name: name, kind: kind, changelog: changelog, makeDefault: makeDefault ? true : nil)
            try await global.withClient { client in
                try VersionCommand.show(
                    try await client.post(APIRoute.createVersion.path(["product": product]), body: request, as: VersionInfo.self), global)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A product's versions, newest first.")
        @Argument var product: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let versions = try await client.get(APIRoute.getProduct.path(["product": product]), as: ProductInfo.self).versions ?? []
                guard global.output == .table else { return try Render.machine(versions, format: global.output) }
                print(VersionCommand.table(versions))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A version with its images in rollout order.")
        @OptionGroup var target: Target
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                try VersionCommand.show(try await target.fetch(client), global)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a version's changelog (admins).")
        @OptionGroup var target: Target
        @Option(help: "What changed ('' clears it).") var changelog: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let path = target.path(.updateVersion)
                try VersionCommand.show(try await client.send(.PUT, path, body: VersionRequest(changelog: changelog), as: VersionInfo.self), global)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a version with its images (admins); refused while it has deployments or is the default.")
        @OptionGroup var target: Target
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                let path = target.path(.removeVersion)
                _ = try await client.send(.DELETE, path, body: nil as String?, as: IgnoredAnswer.self)
                print("removed version \(target.version) of \(target.product)")
            }
        }
    }

    struct Increase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the incremental child of a version (admins): its images, and copies of its deployments as preparing ones.",
            discussion: "Copies the parent's successful (else preparing, else failed) deployment per node and prefix, unless --no-copy-deployments.")
        @OptionGroup var target: Target
        @Argument(help: "The new version's name.") var name: String
        @Option(help: "What changed.") var changelog: String?
        @Flag(help: "Do not copy the parent's deployments.") var noCopyDeployments = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let request = IncreaseVersionRequest(name: name, changelog: changelog, copyDeployments: noCopyDeployments ? false : nil)
            try await global.withClient { client in
                let path = target.path(.increaseVersion)
                try VersionCommand.show(try await client.post(path, body: request, as: VersionInfo.self), global)
            }
        }
    }

    struct SetDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-default", abstract: "Make a version the product's default (admins): new versions and deployments start from it.")
        @OptionGroup var target: Target
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let path = target.path(.setDefaultVersion)
                _ = try await client.post(path, body: [String: String](), as: IgnoredAnswer.self)
                guard global.output == .table else {
                    return try Render.machine(try await target.fetch(client), format: global.output)
                }
                print("\(target.version) is now the default version of \(target.product)")
            }
        }
    }

    /// The version a command acts on: PRODUCT VERSION.
    struct Target: ParsableArguments {
        @Argument(help: "The product.") var product: String
        @Argument(help: "The version.") var version: String

        /// `route`'s path for this version (and `image` of it).
        func path(_ route: APIRoute, image: String? = nil) -> String {
            var values = ["product": product, "version": version]
            values["image"] = image
            return route.path(values)
        }

        func fetch(_ client: GatewayClient) async throws -> VersionInfo {
            try await client.get(path(.getVersion), as: VersionInfo.self)
        }
    }

    static func show(_ v: VersionInfo, _ global: GlobalOptions) throws {
        guard global.output == .table else { return try Render.machine(v, format: global.output) }
        let traits = [v.kind.rawValue, v.isDefault ? "default" : nil, v.frozen ? "frozen" : nil].compactMap { $0 }
        var lines = ["product:   \(v.product)", "version:   \(v.name) (\(traits.joined(separator: ", ")))"]
        if let parent = v.parent { lines.append("parent:    \(parent)") }
        if let changelog = v.changelog { lines.append("changelog: \(changelog)") }
        lines.append("created:   \(Render.time(v.createdAt))")
        let images = v.images.sorted { $0.position < $1.position }
        lines += ["", images.isEmpty ? "no images yet (coxswain version image add \(v.product) \(v.name) …)" : imageTable(images.map { (v.name, $0) })]
        print(lines.joined(separator: "\n"))
    }

    /// VERSION KIND DEFAULT FROZEN PARENT IMAGES CREATED.
    static func table(_ versions: [VersionInfo]) -> String {
        let rows = versions.map { v in
            [v.name, v.kind.rawValue, v.isDefault ? "*" : "", v.frozen ? "frozen" : "", v.parent ?? "", String(v.images.count), Render.time(v.createdAt)]
        }
        return Render.table(["VERSION", "KIND", "DEFAULT", "FROZEN", "PARENT", "IMAGES", "CREATED"], rows)
    }

    /// VERSION # NAME REGISTRY IMAGE PORTS CONFIG, one row per image.
    static func imageTable(_ images: [(version: String, image: ImageInfo)]) -> String {
        let rows = images.map { version, i in
            [version, String(i.position), i.name, i.registry, "\(i.image):\(i.tag)", ConfigListing.ports(i.config), ConfigListing.summary(i.config)]
        }
        return Render.table(["VERSION", "#", "NAME", "REGISTRY", "IMAGE", "PORTS", "CONFIG"], rows)
    }
}
