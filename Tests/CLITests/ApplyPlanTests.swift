import CoxswainCLI
import CoxswainCore
import Foundation
import Testing

@Suite("apply: product files and the requests that bring a product to them")
struct ApplyPlanTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func image(_ name: String, tag: String = "1", position: Int, config: ContainerConfig = ContainerConfig()) -> ImageInfo {
        ImageInfo(name: name, registry: "local", image: "demo/\(name)", tag: tag, position: position, config: config)
    }

    static func version(_ name: String, kind: VersionKind = .rolling, isDefault: Bool = false, frozen: Bool = false, images: [ImageInfo], age: Double = 0)
        -> VersionInfo
    {
        VersionInfo(
            id: VersionID(UUID().uuidString.lowercased()), product: "shop", name: name, kind: kind, changelog: nil, isDefault: isDefault, parent: nil,
            frozen: frozen, images: images, createdAt: now.addingTimeInterval(age))
    }

    static func product(kind: ProductKind = .complex, description: String? = nil, versions: [VersionInfo]) -> ProductInfo {
        ProductInfo(
            id: ProductID(UUID().uuidString.lowercased()), name: "shop", kind: kind, description: description,
            defaultVersion: versions.first { $0.isDefault }?.name, versionCount: versions.count, deploymentCount: 0, createdAt: now, updatedAt: now,
            versions: versions)
    }

    static func load(_ yaml: String) throws -> ProductFile { try ProductFile.load(try YAMLFile(text: yaml, file: "shop.yaml")) }

    static func loadProblem(_ yaml: String) -> String {
        do {
            _ = try load(yaml)
            return "no problem"
        } catch {
            return "\(error)"
        }
    }

    static let file = """
        name: shop
        kind: complex
        description: The web shop
        versions:
          - name: "1.0"
            kind: incremental
            default: true
            changelog: First
            images:
              - name: web
                registry: local
                image: demo/web
                tag: 1
                config:
                  environment: {PORT: 8080}
                  ports: [{internal: 8080, external: 25580}]
                  restartPolicy: {name: on-failure, maxRetries: 3}
              - {registry: local, image: demo/worker, tag: "1"}
        """

    @Test("a new product: created with its versions and images, in order")
    func createsEverything() throws {
        let plan = try ApplyPlan(file: try Self.load(Self.file), current: nil)
        #expect(
            plan.steps.map(\.summary) == [
                "create product shop (complex)", "create version 1.0 of shop (incremental)", "add image web to version 1.0 (local demo/web:1)",
                "add image worker to version 1.0 (local demo/worker:1)",
            ])
        guard case .addImage(_, _, let web) = plan.steps[2] else {
            Issue.record("\(plan.steps[2])")
            return
        }
        #expect(
            web.position == 0 && web.config?.environment == ["PORT": "8080"] && web.config?.ports == [ContainerConfig.Port(internal: 8080, external: 25580)])
        #expect(plan.steps[2].path == "/v1/products/shop/versions/1.0/images" && plan.guessedVersions == ["1.0"])
    }

    @Test("applying what the Gateway already holds plans nothing; export round-trips through apply")
    func idempotent() throws {
        let held = Self.product(
            description: "The web shop",
            versions: [
                Self.version(
                    "1.0", kind: .incremental, isDefault: true,
                    images: [
                        Self.image("web", position: 0, config: ContainerConfig(name: "web", environment: ["PORT": "8080"], labels: [:])),
                        Self.image("worker", position: 1),
                    ])
            ])
        let exported = ProductFile(held)
        #expect(try ApplyPlan(file: exported, current: held).isEmpty)
        let reread = try Self.load(try exported.yaml())
        #expect(reread == exported)
        #expect(try ApplyPlan(file: reread, current: held).isEmpty)
    }

    @Test("sends only what differs: removals first, changed fields, moves")
    func changes() throws {
        let held = Self.product(versions: [
            Self.version("1.0", isDefault: true, images: [Self.image("old", position: 0), Self.image("worker", position: 1), Self.image("web", position: 2)])
        ])
        let file = ProductFile(
            name: "shop",
            versions: [
                .init(
                    name: "1.0",
                    images: [
                        .init(name: "web", registry: "local", image: "demo/web", tag: "2"),
                        .init(name: "worker", registry: "local", image: "demo/worker", tag: "1", config: ContainerConfig(user: "app")),
                    ])
            ])
        let plan = try ApplyPlan(file: file, current: held)
        #expect(
            plan.steps == [
                .removeImage(product: "shop", version: "1.0", image: "old"),
                .updateImage(product: "shop", version: "1.0", image: "web", ImageRequest(tag: "2", position: 0)),
                .updateImage(product: "shop", version: "1.0", image: "worker", ImageRequest(config: ContainerConfig(user: "app"))),
            ])
        #expect(plan.steps[1].path == "/v1/products/shop/versions/1.0/images/web")
    }

    @Test("a new version copies the default's images: the plan starts from them; default and changelog are steps")
    func newVersionFromDefault() throws {
        let held = Self.product(versions: [Self.version("1.0", isDefault: true, images: [Self.image("web", position: 0)])])
        let file = ProductFile(
            name: "shop",
            versions: [
                .init(name: "1.0", changelog: "First"),
                .init(name: "1.1", isDefault: true, images: [.init(name: "web", registry: "local", image: "demo/web", tag: "2")]),
            ])
        let plan = try ApplyPlan(file: file, current: held)
        #expect(
            plan.steps == [
                .updateVersion(product: "shop", version: "1.0", VersionRequest(changelog: "First")),
                .createVersion(product: "shop", VersionRequest(name: "1.1", makeDefault: true)),
                .updateImage(product: "shop", version: "1.1", image: "web", ImageRequest(tag: "2")),
            ])
    }

    @Test("refuses what the Gateway would: a frozen version's images, a version's kind, complex to simple")
    func refusals() throws {
        let frozen = Self.product(versions: [Self.version("1.0", kind: .incremental, isDefault: true, frozen: true, images: [Self.image("web", position: 0)])])
        let retag = ProductFile(name: "shop", versions: [.init(name: "1.0", images: [.init(name: "web", registry: "local", image: "demo/web", tag: "2")])])
        #expect(throws: ApplyRefusal.self) { try ApplyPlan(file: retag, current: frozen) }
        // Unchanged images of a frozen version are fine.
        let same = ProductFile(name: "shop", versions: [.init(name: "1.0", images: [.init(name: "web", registry: "local", image: "demo/web", tag: "1")])])
        #expect(try ApplyPlan(file: same, current: frozen).isEmpty)
        let kind = ProductFile(name: "shop", versions: [.init(name: "1.0", kind: .rolling)])
        #expect(throws: ApplyRefusal.self) { try ApplyPlan(file: kind, current: frozen) }
        let simple = ProductFile(name: "shop", images: [])
        #expect(throws: ApplyRefusal.self) { try ApplyPlan(file: simple, current: frozen) }
    }

    @Test("a simple product: images at the top level; listing versions converts it to complex")
    func simpleProducts() throws {
        let held = Self.product(kind: .simple, versions: [Self.version(ProductInfo.simpleVersionName, isDefault: true, images: [])])
        let images = ProductFile(name: "shop", images: [.init(registry: "local", image: "demo/web", tag: "1")])
        #expect(try ApplyPlan(file: images, current: held).steps.map(\.summary) == ["add image web to version rolling (local demo/web:1)"])
        let converted = ProductFile(name: "shop", versions: [.init(name: "rolling")])
        #expect(try ApplyPlan(file: converted, current: held).steps == [.updateProduct(product: "shop", ProductRequest(kind: .complex))])
        let created = try ApplyPlan(file: images, current: nil)
        #expect(created.steps.first == .createProduct(ProductRequest(name: "shop", kind: .simple)) && created.guessedVersions == ["rolling"])
    }

    @Test("a product file's problems name the file, line and field")
    func fileProblems() {
        #expect(Self.loadProblem("name: shop\nversions:\n  - name: '1'\n    imagez: []\n") == "shop.yaml:4: versions[0].imagez: unknown key 'imagez'")
        #expect(Self.loadProblem("name: shop\nversions:\n  - name: '1'\n    kind: sideways\n").hasPrefix("shop.yaml:4: versions[0].kind: "))
        #expect(Self.loadProblem("name: shop\nversions: [{name: a\n").contains("shop.yaml:"))
        #expect(Self.loadProblem("name: shop\nversions: [{name: a\n").contains("invalid YAML"))
        let twice = Self.loadProblem("name: shop\nimages:\n  - {registry: r, image: demo/web, tag: '1'}\n  - {registry: r, image: other/web, tag: '2'}\n")
        #expect(twice == "shop.yaml:4: images[1].name: image 'web' is listed twice", "\(twice)")
        let port = Self.loadProblem("name: shop\nimages:\n  - registry: r\n    image: demo/web\n    tag: '1'\n    config:\n      ports: [{internal: 70000}]\n")
        #expect(port == "shop.yaml:7: images[0].config.ports[0].internal: 70000 is not a port (1-65535)", "\(port)")
        #expect(Self.loadProblem("name: shop\nkind: simple\nversions: []\n").contains("a simple product has one hidden version"))
    }
}

@Suite("version image flags and deployment rendering")
struct DeliveryFlagsTests {
    @Test("flags change a configuration: variables and labels by key, ports by container port, volumes by path, the rest replaced")
    func flagsOverlay() throws {
        let flags = try ContainerConfigFlags.parse([
            "-e", "MODE=prod", "-e", "EMPTY=", "-p", "25581:8080", "-p", "9000-9001:9000-9001/udp", "-v", "data:/data:ro", "--label", "tier=web",
            "--restart", "on-failure:2", "--health-cmd", "curl -f localhost", "--health-interval", "30s", "--network", "host", "--network", "front",
            "--secret", "DB_PASSWORD", "--command", "--verbose", "--arg", "serve",
        ])
        var config = ContainerConfig(
            environment: ["MODE": "dev", "KEEP": "1"], ports: [ContainerConfig.Port(internal: 8080, external: 25580)],
            volumes: [ContainerConfig.Volume(hostPath: "/srv", containerPath: "/data")], command: ["old"])
        try flags.apply(to: &config)
        #expect(config.environment == ["MODE": "prod", "KEEP": "1", "EMPTY": ""])
        #expect(config.ports == [ContainerConfig.Port(internal: 8080, external: 25581)])
        #expect(config.portRanges?.first?.proto == .udp && config.volumes == [ContainerConfig.Volume(name: "data", containerPath: "/data", readOnly: true)])
        #expect(config.restartPolicy == .onFailure(maxRetries: 2) && config.labels == ["tier": "web"])
        #expect(config.healthCheck == ContainerConfig.HealthCheck(test: ["CMD-SHELL", "curl -f localhost"], intervalSeconds: 30))
        #expect(config.networkMode == .host && config.networks == ["front"] && config.secrets == ["DB_PASSWORD"])
        #expect(config.command == ["--verbose"] && config.args == ["serve"])
        var local = ContainerConfig()
        try ContainerConfigFlags.parse(["-p", "127.0.0.1:80:8080"]).apply(to: &local)
        #expect(local.ports == [ContainerConfig.Port(internal: 8080, external: 80, hostIP: "127.0.0.1")])
        #expect(throws: (any Error).self) { try ContainerConfigFlags.parse(["-p", "80:80:80:80"]) }
        #expect(throws: (any Error).self) { try ContainerConfigFlags.parse(["-e", "NOVALUE"]) }
        #expect(throws: (any Error).self) { try ContainerConfigFlags.parse(["--restart", "sometimes"]) }
    }

    @Test("lists a configuration under the field paths of the effective configuration's provenance")
    func listing() {
        let config = ContainerConfig(
            environment: ["PORT": "8080"], secrets: ["DB_PASSWORD"], ports: [ContainerConfig.Port(internal: 8080, external: 25580)],
            volumes: [ContainerConfig.Volume(name: "data", containerPath: "/data")], healthCheck: ContainerConfig.HealthCheck(test: ["CMD-SHELL", "true"]))
        let entries = ConfigListing.entries(config)
        #expect(entries.map(\.path) == ["environment.PORT", "secrets.DB_PASSWORD", "ports.8080/tcp", "volumes./data", "healthCheck"])
        #expect(entries[2].value == "25580:8080/tcp" && !entries[1].value.contains("DB_PASSWORD"))
        let table = ConfigListing.table(entries, layers: ["environment.PORT": .instance, "ports.8080/tcp": .image])
        #expect(table.contains("environment.PORT     8080") && table.contains("instance") && table.contains("image"))
    }

    @Test("cuts a DEPLOY task's output into events across chunks")
    func eventStream() throws {
        var stream = DeploymentEventStream()
        let pull = String(decoding: try JSONEncoder().encode(DeploymentEvent(.pull, instance: "web", "pulling demo/httpd:1")), as: UTF8.self)
        let done = String(decoding: try JSONEncoder().encode(DeploymentEvent(.succeeded, "2 instances running")), as: UTF8.self)
        #expect(stream.append(String(pull.prefix(10))).isEmpty)
        #expect(stream.append(String(pull.dropFirst(10)) + "\nnot an event\n" + done) == [DeploymentEvent(.pull, instance: "web", "pulling demo/httpd:1")])
        #expect(stream.finish().map(\.description) == ["succeeded: 2 instances running"])
    }
}
