import ArgumentParser
import CoxswainCore
import Foundation

extension VersionCommand {
    /// `coxswain version image add|update|remove|list|show PRODUCT VERSION …`: the images of a
    /// version with their container configuration (the image layer). Named under `version`
    /// because `coxswain image` is the engine images on the nodes.
    struct Images: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "image",
            abstract: "A version's images and their container configuration (admins change them; frozen versions refuse).",
            discussion: """
                The configuration comes from --config-file (YAML or JSON) and the flags (-e, -p, -v, --label, --restart, --health-cmd, \
                --user, --workdir, --network, --secret, --command, --arg). On update the flags change the stored configuration and a \
                --config-file replaces it. Rollouts start the images in their order (--position, 0-based).
                Examples:
                  coxswain version image add shop 1.0 --registry local --image demo/httpd --tag 1 --name web -p 25580:8080 --health-cmd 'wget -qO- localhost:8080'
                  coxswain version image update shop 1.0 web --tag 2 -e MODE=prod
                  coxswain version image list shop 1.0
                """,
            subcommands: [Add.self, Update.self, Remove.self, List.self, Show.self]
        )

        /// Where the image comes from, as add and update share it.
        struct Source: ParsableArguments {
            @Option(help: "A team registry (coxswain registry list).") var registry: String?
            @Option(help: "The repository within the registry (demo/httpd); repository:tag sets --tag too.") var image: String?
            @Option(help: "The tag.") var tag: String?
            @Option(help: "Place in the version's rollout order (0-based; default: last).") var position: Int?

            /// The repository and tag, with a tag written in `--image` split off.
            func reference() throws -> (image: String?, tag: String?) {
                guard let image, let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") else { return (image, tag) }
                let written = String(image[image.index(after: colon)...])
                if let tag, tag != written { throw ValidationError("--image \(image) has the tag \(written), --tag says \(tag)") }
                return (String(image[..<colon]), written)
            }

            func validate() throws {
                if let position, position < 0 { throw ValidationError("--position starts at 0") }
                let (image, tag) = try reference()
                if let image, !ImagePath.isRepository(image) {
                    throw ValidationError("--image '\(image)' is not a repository (lowercase path, like demo/httpd)")
                }
                if let tag, !ImagePath.isTag(tag) { throw ValidationError("--tag '\(tag)' is not a tag (letters, digits, '_', '.', '-')") }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an image to a version (admins).")
            @OptionGroup var target: VersionCommand.Target
            @Option(help: "Its container name in deployments (a DNS label; default: the repository's last component).") var name: String?
            @OptionGroup var source: Source
            @OptionGroup var flags: ContainerConfigFlags
            @OptionGroup var global: GlobalOptions
            func validate() throws {
                guard source.registry != nil, source.image != nil, try source.reference().tag != nil else {
                    throw ValidationError("an image needs --registry, --image and --tag")
                }
                if let name, !ContainerOperation.isDNSLabel(name) {
                    throw ValidationError("--name '\(name)' is not a DNS label (lowercase letters, digits, '-')")
                }
            }
            func run() async throws {
                let (image, tag) = try source.reference()
                let request = ImageRequest(
                    name: name, registry: source.registry, image: image, tag: tag, position: source.position, config: try flags.configuration(base: nil))
                try await Images.send(.post, target.path(.addImage), request, target, global)
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Change an image of a version (admins); options not given stay as they are.")
            @OptionGroup var target: VersionCommand.Target
            @Argument(help: "The image's name in the version.") var image: String
            @Option(help: "A new container name.") var rename: String?
            @OptionGroup var source: Source
            @OptionGroup var flags: ContainerConfigFlags
            @OptionGroup var global: GlobalOptions
            func validate() throws {
                if let rename, !ContainerOperation.isDNSLabel(rename) { throw ValidationError("--rename '\(rename)' is not a DNS label") }
                let sourceChanges = [source.registry, source.image, source.tag, rename].contains { $0 != nil } || source.position != nil
                guard sourceChanges || flags.changesSomething || flags.configFile != nil else {
                    throw ValidationError("nothing to change: give a new --tag, --image, --registry, --position, --rename or configuration")
                }
            }
            func run() async throws {
                let (repository, tag) = try source.reference()
                let global = self.global
                // Flags change the stored configuration, so read it first (a --config-file replaces it).
                let base: ContainerConfig?
                if flags.changesSomething, flags.configFile == nil {
                    let stored = try await global.withClient { client in try await target.fetch(client) }
                    guard let current = stored.images.first(where: { $0.name == image }) else {
                        FileHandle.standardError.write(Data("error: version \(target.version) of \(target.product) has no image \(image)\n".utf8))
                        throw ExitCode(2)
                    }
                    base = current.config
                } else {
                    base = nil
                }
                let request = ImageRequest(
                    name: rename, registry: source.registry, image: repository, tag: tag, position: source.position, config: try flags.configuration(base: base)
                )
                try await Images.send(.put, target.path(.updateImage, image: image), request, target, global)
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an image from a version (admins).")
            @OptionGroup var target: VersionCommand.Target
            @Argument var image: String
            @OptionGroup var global: GlobalOptions
            func run() async throws {
                try await global.withClient { client in
                    _ = try await client.send(.DELETE, target.path(.removeImage, image: image), body: nil as String?, as: IgnoredAnswer.self)
                    print("removed image \(image) from version \(target.version) of \(target.product)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A version's images in rollout order.")
            @OptionGroup var target: VersionCommand.Target
            @OptionGroup var global: GlobalOptions
            func run() async throws {
                let global = self.global
                try await global.withClient { client in
                    let images = try await target.fetch(client).images.sorted { $0.position < $1.position }
                    guard global.output == .table else { return try Render.machine(images, format: global.output) }
                    print(VersionCommand.imageTable(images.map { (target.version, $0) }))
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One image of a version with its whole configuration.")
            @OptionGroup var target: VersionCommand.Target
            @Argument var image: String
            @OptionGroup var global: GlobalOptions
            func run() async throws {
                let global = self.global
                try await global.withClient { client in
                    guard let info = try await target.fetch(client).images.first(where: { $0.name == image }) else {
                        FileHandle.standardError.write(Data("error: version \(target.version) of \(target.product) has no image \(image)\n".utf8))
                        throw ExitCode(2)
                    }
                    guard global.output == .table else { return try Render.machine(info, format: global.output) }
                    print("image:    \(info.name) (#\(info.position)) \(info.registry) \(info.image):\(info.tag)")
                    print(ConfigListing.table(ConfigListing.entries(info.config), layers: nil))
                }
            }
        }

        /// Sends an add or update, then prints the version's images as they are now.
        static func send(
            _ method: HTTPMethodName, _ path: String, _ request: ImageRequest, _ target: VersionCommand.Target, _ global: GlobalOptions
        ) async throws {
            try await global.withClient { client in
                switch method {
                case .post: _ = try await client.post(path, body: request, as: IgnoredAnswer.self)
                case .put: _ = try await client.send(.PUT, path, body: request, as: IgnoredAnswer.self)
                }
                let info = try await target.fetch(client)
                guard global.output == .table else { return try Render.machine(info.images, format: global.output) }
                print(VersionCommand.imageTable(info.images.sorted { $0.position < $1.position }.map { (target.version, $0) }))
            }
        }

        /// The two methods `send` uses.
        enum HTTPMethodName { case post, put }
    }
}
