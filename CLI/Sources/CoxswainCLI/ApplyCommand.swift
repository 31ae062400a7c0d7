import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain apply -f product.yaml`: creates or updates a product, its versions and their images
/// so that they match the file (see `ProductFile`). Compares with what the Gateway holds first and
/// sends only what differs: applying the same file twice sends nothing the second time.
package struct ApplyCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update a product, its versions and images from a file (YAML or JSON); only what differs is sent.",
        discussion: """
            The file: name, kind (simple|complex), description, and either images (a simple product) or versions (name, kind \
            rolling|incremental, default, changelog, images). Each image: name, registry (a team registry), image (the repository), \
            tag, config (a container configuration: environment, secrets, ports, volumes, networks, restartPolicy, healthCheck, …). \
            Fields left out are not managed; a version's images list is the whole list (others are removed). `coxswain export \
            product NAME` writes this format.
            Examples:
              coxswain apply -f shop.yaml
              coxswain apply -f shop.yaml --dry-run
            """
    )

    @Option(name: .shortAndLong, help: "The product file (YAML or JSON).") var file: String
    @Flag(help: "Print what would change; send nothing that changes anything.") var dryRun = false
    @OptionGroup var global: GlobalOptions

    package init() {}

    package func run() async throws {
        let product: ProductFile
        do {
            product = try ProductFile.load(try YAMLFile(path: file))
        } catch {
            throw error.exit()
        }
        try await ApplyExecution(file: product, source: file, dryRun: dryRun, global: global).run()
    }
}

/// What `apply` (and `product import-compose`) did: the product, each change and the notes.
package struct ApplyReport: Codable, Sendable, Equatable {
    package var product: String
    package var dryRun: Bool
    package var changes: [String]
    package var notes: [String]
}

/// Plans a product file against the Gateway and sends the plan, one request at a time, printing
/// each change. The images of a version that did not exist yet are planned again once it exists
/// (it starts as a copy of the default version's images).
struct ApplyExecution {
    let file: ProductFile
    /// Where the file came from, for the "nothing changed" line.
    let source: String
    let dryRun: Bool
    let global: GlobalOptions
    var notes: [String] = []
    /// Whether to say that versions the file does not list are left alone (not for a compose import, which names one version).
    var reportsOtherVersions = true

    func run() async throws {
        let global = self.global
        let report = try await global.withClient { client -> ApplyReport in
            let current = try await Self.product(file.name, client: client)
            let plan: ApplyPlan
            do {
                plan = try ApplyPlan(file: file, current: current)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\nnothing was sent\n".utf8))
                throw ExitCode(2)
            }
            var report = ApplyReport(product: file.name, dryRun: dryRun, changes: [], notes: notes + (reportsOtherVersions ? plan.notes : []))
            // Notes first: they are about what is sent next.
            if global.output == .table { for note in report.notes { print("note: \(note)") } }
            if dryRun {
                report.changes = plan.steps.map(\.summary)
                return report
            }
            var replanned: Set<String> = []
            for step in plan.steps {
                if let version = step.imageVersion, plan.guessedVersions.contains(version) {
                    guard !replanned.contains(version) else { continue }
                    replanned.insert(version)
                    // The version exists now: plan its images against what it really holds.
                    let info = try await client.get(APIRoute.getVersion.path(["product": file.name, "version": version]), as: VersionInfo.self)
                    let desired = (file.kind == .simple || file.versions == nil ? file.images : file.versions?.first { $0.name == version }?.images) ?? []
                    for fresh in ApplyPlan.imageSteps(product: file.name, version: version, desired: desired, current: info.images) {
                        try await send(fresh, client: client)
                        report.changes.append(fresh.summary)
                    }
                    continue
                }
                try await send(step, client: client)
                report.changes.append(step.summary)
            }
            return report
        }
        guard global.output == .table else { return try Render.machine(report, format: global.output) }
        if report.changes.isEmpty {
            print("product \(file.name): nothing changed (it matches \(source))")
        } else if dryRun {
            for change in report.changes { print("would \(change)") }
            print("\(report.changes.count) change(s) planned; nothing was sent")
        } else {
            print("product \(file.name): \(report.changes.count) change(s) applied")
        }
    }

    func send(_ step: ApplyStep, client: GatewayClient) async throws {
        if global.output == .table { print(step.summary) }
        switch step {
        case .createProduct(let r): _ = try await client.send(.POST, step.path, body: r, as: IgnoredAnswer.self)
        case .updateProduct(_, let r): _ = try await client.send(.PUT, step.path, body: r, as: IgnoredAnswer.self)
        case .createVersion(_, let r): _ = try await client.send(.POST, step.path, body: r, as: IgnoredAnswer.self)
        case .updateVersion(_, _, let r): _ = try await client.send(.PUT, step.path, body: r, as: IgnoredAnswer.self)
        case .setDefaultVersion: _ = try await client.send(.POST, step.path, body: [String: String](), as: IgnoredAnswer.self)
        case .addImage(_, _, let r): _ = try await client.send(.POST, step.path, body: r, as: IgnoredAnswer.self)
        case .updateImage(_, _, _, let r): _ = try await client.send(.PUT, step.path, body: r, as: IgnoredAnswer.self)
        case .removeImage: _ = try await client.send(.DELETE, step.path, body: nil as String?, as: IgnoredAnswer.self)
        }
    }

    /// The product with its versions and images, or nil when the team has none of that name.
    static func product(_ name: String, client: GatewayClient) async throws -> ProductInfo? {
        do {
            return try await client.get(APIRoute.getProduct.path(["product": name]), as: ProductInfo.self)
        } catch ClientError.api(let status, _) where status == 404 {
            return nil
        }
    }
}

/// Any JSON answer, not read (for requests whose answer the command does not show).
struct IgnoredAnswer: Decodable {
    init(from decoder: any Decoder) throws {}
}
