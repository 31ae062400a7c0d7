import ArgumentParser
import CoxswainCore
import Foundation

extension ProductCommand {
    /// `coxswain product import-compose NAME FILE`: a compose file's services as the images of a
    /// version, applied like `coxswain apply` (the product and version are created when missing;
    /// the version's images become exactly the file's services).
    struct ImportCompose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-compose",
            abstract: "Make a docker-compose file's services the images of a version (admins); prints what it could not map.",
            discussion: """
                Mapped per service: image (it must have a tag), container_name, environment and env_file, ports, volumes, networks, \
                network_mode, restart, labels, command, entrypoint, working_dir, user, logging, healthcheck, cap_add/cap_drop, tty, \
                mem_limit, cpus; depends_on orders the images. Each image's registry is the team registry at its host (Docker Hub \
                for images without one), or --registry for all. Without --version: a simple product (created when missing) or the \
                product's default version. The version's images become the file's services: others are removed.
                Examples:
                  coxswain product import-compose shop docker-compose.yml --version 1.0
                  coxswain product import-compose shop docker-compose.yml --registry local --dry-run
                """
        )
        @Argument(help: "The product (created when missing).") var name: String
        @Argument(help: "The compose file.") var file: String
        @Option(help: "The version to fill (created when missing; the product is complex then).") var version: String?
        @Option(help: "A team registry for every image (its host must be the images', when they name one).") var registry: String?
        @Flag(help: "Print what would change; send nothing that changes anything.") var dryRun = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let mapping = try Self.read(file)
            let global = self.global
            let (name, version, registry) = (self.name, self.version, self.registry)
            let product = try await global.withClient { client -> ProductFile in
                let registries = try await client.get(APIRoute.listRegistries.path, as: [RegistryInfo].self)
                let entries = try Self.refusing(ComposeImport.assignRegistries(mapping.services, registries: registries, forced: registry))
                let current = try await ApplyExecution.product(name, client: client)
                return try Self.refusing(Self.target(name: name, version: version, current: current, images: entries))
            }
            if global.output == .table {
                print("\(file): \(mapping.services.count) service(s) in rollout order: \(mapping.services.map(\.name).joined(separator: ", "))")
            }
            var execution = ApplyExecution(file: product, source: file, dryRun: dryRun, global: global)
            execution.notes = mapping.notes
            execution.reportsOtherVersions = false
            try await execution.run()
        }

        /// The compose file mapped, or the command ended with its problem.
        static func read(_ path: String) throws -> ComposeImport.Mapping {
            do {
                return try ComposeImport.map(try YAMLFile(path: path)) { path in
                    FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
                }
            } catch {
                throw error.exit()
            }
        }

        /// The value, or the command ended with the problem (exit 2, nothing sent).
        static func refusing<T>(_ result: Result<T, ComposeImport.Problem>) throws -> T {
            switch result {
            case .success(let value): return value
            case .failure(let why):
                FileHandle.standardError.write(Data("error: \(why.message)\nnothing was sent\n".utf8))
                throw ExitCode(2)
            }
        }

        /// The product file to apply: the images as a simple product's, or as version `version`'s
        /// (else the default version's) of a complex one.
        static func target(name: String, version: String?, current: ProductInfo?, images: [ProductFile.ImageEntry]) -> Result<
            ProductFile, ComposeImport.Problem
        > {
            guard let current else {
                guard let version else { return .success(ProductFile(name: name, images: images)) }
                return .success(ProductFile(name: name, kind: .complex, versions: [ProductFile.VersionEntry(name: version, images: images)]))
            }
            if current.kind == .simple {
                if let version, version != (current.versions?.first?.name ?? ProductInfo.simpleVersionName) {
                    return .failure(
                        ComposeImport.Problem(
                            "product \(name) is simple (one hidden version); leave out --version, or make it complex first: coxswain product update \(name) --kind complex"
                        ))
                }
                return .success(ProductFile(name: name, images: images))
            }
            guard let chosen = version ?? current.defaultVersion else {
                return .failure(ComposeImport.Problem("product \(name) has no version yet; give --version"))
            }
            return .success(ProductFile(name: name, kind: .complex, versions: [ProductFile.VersionEntry(name: chosen, images: images)]))
        }
    }
}
