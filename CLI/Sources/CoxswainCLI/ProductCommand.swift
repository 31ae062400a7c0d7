import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain product create|list|show|update|remove|import-compose`: the team's products (sets
/// of images released as versions; admins change them, everyone reads).
package struct ProductCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "product",
        abstract: "The team's products: images released as versions (admins change them, everyone reads).",
        discussion: """
            A simple product is one hidden rolling version; a complex one has rolling and incremental versions (coxswain version …), \
            one of them the default. A simple product can become complex (update --kind complex), never the reverse.
            Examples:
              coxswain product create shop --kind complex --description 'The web shop'
              coxswain product show shop
              coxswain product import-compose shop docker-compose.yml --version 1.0 --registry local
            """,
        subcommands: [Create.self, List.self, Show.self, Update.self, Remove.self, ImportCompose.self]
    )
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a product (admins).")
        @Argument(help: "Its name in the team.") var name: String
        @Option(help: "simple (one hidden rolling version, the default) or complex (versions).") var kind: ProductKind = .simple
        @Option(help: "A note for the team.") var description: String?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let created = try await client.post(
                    APIRoute.createProduct.path([:]), body: ProductRequest(name: name, kind: kind, description: description), as: ProductInfo.self)
                try ProductCommand.show(created, global)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's products.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let products = try await client.get(APIRoute.listProducts.path([:]), as: [ProductInfo].self)
                guard global.output == .table else { return try Render.machine(products, format: global.output) }
                let rows = products.map { p in
                    [
                        p.name, p.kind.rawValue, p.defaultVersion ?? "-", String(p.versionCount), String(p.deploymentCount), Render.time(p.updatedAt),
                        Render.firstLine(p.description ?? "", max: 40),
                    ]
                }
                print(Render.table(["NAME", "KIND", "DEFAULT", "VERSIONS", "DEPLOYMENTS", "UPDATED", "DESCRIPTION"], rows))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A product with its versions and their images.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                try ProductCommand.show(try await client.get(APIRoute.getProduct.path(["product": name]), as: ProductInfo.self), global)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a product (admins): its description, its name, or make a simple product complex.")
        @Argument var name: String
        @Option(help: "A new name.") var rename: String?
        @Option(help: "complex: convert a simple product (its version becomes an ordinary, visible one; it stays the default).")
        var kind: ProductKind?
        @Option(help: "A note for the team ('' clears it).") var description: String?
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            if kind == .simple { throw ValidationError("--kind simple: a complex product cannot become simple; only --kind complex converts") }
            if rename == nil, kind == nil, description == nil { throw ValidationError("nothing to change: give --rename, --kind complex or --description") }
        }
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let updated = try await client.send(
                    .PUT, APIRoute.updateProduct.path(["product": name]), body: ProductRequest(name: rename, kind: kind, description: description),
                    as: ProductInfo.self)
                try ProductCommand.show(updated, global)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a product with its versions (admins); refused while it has deployments.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.removeProduct.path(["product": name]), body: nil as String?, as: IgnoredAnswer.self)
                print("removed product \(name)")
            }
        }
    }

    /// The product's fields, then its versions and their images as tables.
    static func show(_ p: ProductInfo, _ global: GlobalOptions) throws {
        guard global.output == .table else { return try Render.machine(p, format: global.output) }
        var lines = ["name:        \(p.name)", "kind:        \(p.kind.rawValue)"]
        if let description = p.description { lines.append("description: \(description)") }
        lines.append("default:     \(p.defaultVersion ?? "-")")
        lines.append("versions:    \(p.versionCount), deployments: \(p.deploymentCount)")
        lines.append("created:     \(Render.time(p.createdAt)), updated \(Render.time(p.updatedAt))")
        let versions = p.versions ?? []
        if !versions.isEmpty {
            lines += ["", VersionCommand.table(versions)]
            let images = versions.flatMap { v in v.images.sorted { $0.position < $1.position }.map { (v.name, $0) } }
            if !images.isEmpty {
                lines += ["", VersionCommand.imageTable(images)]
            }
        }
        print(lines.joined(separator: "\n"))
    }
}

extension ProductKind: ExpressibleByArgument {}
extension VersionKind: ExpressibleByArgument {}
