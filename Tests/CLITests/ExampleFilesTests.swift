import CoxswainCLI
import CoxswainCore
import Foundation
import Testing

/// The files under `examples/` read through the same pure code as `coxswain apply -f` and
/// `coxswain product import-compose`: an example that no longer loads fails here, not in `make run`.
@Suite("examples/: the product file and the compose file")
struct ExampleFilesTests {
    /// `examples/NAME` in the repository this test file is in.
    static func example(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples").appendingPathComponent(name).path
    }

    @Test("examples/shop.yaml: product shop, default incremental version 1.0, images web then sidecar from registry local")
    func shopProductFile() throws {
        let product = try ProductFile.load(try YAMLFile(path: Self.example("shop.yaml")))
        #expect(product.name == "shop" && product.kind == .complex && product.images == nil)
        let versions = try #require(product.versions)
        #expect(versions.map(\.name) == ["1.0"])
        #expect(versions[0].kind == .incremental && versions[0].isDefault == true)
        let images = try #require(versions[0].images)
        #expect(images.map(\.effectiveName) == ["web", "sidecar"])
        #expect(images.allSatisfy { $0.registry == "local" && $0.image == "demo/httpd" && $0.tag == "1" })

        let web = try #require(images[0].config)
        #expect(web.command == ["sh", "-c", #"echo "$GREETING from $VERSION" > /www/index.html && exec httpd -f -p 8080 -h /www"#])
        #expect(web.environment == ["GREETING": "hello", "VERSION": "{{ version }}"])
        #expect(
            web.healthCheck
                == ContainerConfig.HealthCheck(test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], intervalSeconds: 1, retries: 3))
        // The deployment publishes the port (make run's demo: --config-file), not the version.
        #expect(web.ports == nil && web.portRanges == nil)
        #expect(images[1].config == ContainerConfig(command: ["sleep", "3600"]))

        // What apply sends to an empty Gateway.
        let plan = try ApplyPlan(file: product, current: nil)
        #expect(
            plan.steps.map(\.summary) == [
                "create product shop (complex)", "create version 1.0 of shop (incremental)", "add image web to version 1.0 (local demo/httpd:1)",
                "add image sidecar to version 1.0 (local demo/httpd:1)",
            ])
    }

    @Test("examples/docker-compose.yml: two services from 127.0.0.1:25500, web before sidecar (depends_on), all mapped")
    func composeFile() throws {
        let path = Self.example("docker-compose.yml")
        let mapping = try ComposeImport.map(try YAMLFile(path: path)) { _ in nil }
        #expect(mapping.notes == [])
        #expect(mapping.services.map(\.name) == ["web", "sidecar"])
        #expect(mapping.services.map(\.reference) == Array(repeating: .init(host: "127.0.0.1:25500", repository: "demo/httpd", tag: "1"), count: 2))
        #expect(mapping.services[1].dependsOn == ["web"])

        let web = mapping.services[0].config
        #expect(web.environment == ["GREETING": "hello"])
        #expect(web.ports == [ContainerConfig.Port(internal: 8080, external: 25581, hostIP: "127.0.0.1")])
        #expect(web.healthCheck?.test == ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"] && web.healthCheck?.retries == 3)
        #expect(web.restartPolicy?.description == "on-failure:3")
        #expect(mapping.services[1].config.args == ["sleep", "3600"])

        // The images come from the team registry at that host: make run's `local`.
        let now = Date()
        let local = RegistryInfo(
            id: "local", name: "local", kind: .v2, url: "127.0.0.1:25500", namespace: nil, apiURL: nil, plainHTTP: true, username: "coxswain",
            hasPassword: true, description: nil, createdAt: now, updatedAt: now)
        let entries = try ComposeImport.assignRegistries(mapping.services, registries: [local], forced: nil).get()
        #expect(entries.map(\.registry) == ["local", "local"] && entries.map(\.image) == ["demo/httpd", "demo/httpd"])
    }
}
