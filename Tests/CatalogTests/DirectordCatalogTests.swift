import CoxswainCatalog
import Testing

/// Directord's own bootstrap catalogs (see `Fixtures/directord/README.md`) plan unchanged.
@Suite("Directord catalogs")
struct DirectordCatalogTests {
    let files = [fixture("directord/directord-inventory-catalog.yaml"), fixture("directord/directord-dev-bootstrap-catalog.yaml")]

    @Test("the inventory and the dev bootstrap catalog merge into one server and eight clients")
    func hosts() throws {
        let plan = try planner.plan(try Catalog.load(files: files))
        #expect(plan.servers.map(\.host) == ["172.16.27.2"])
        #expect(plan.clients.count == 8)
        #expect(plan.hosts.map(\.role) == [.server] + Array(repeating: .client, count: 8))
        let server = try #require(plan.servers.first)
        #expect(server.name == "172.16.27.2" && server.port == 22 && server.username == "centos" && server.credential == nil)
        #expect(plan.clients.allSatisfy { $0.username == "centos" && $0.port == 22 && $0.steps.count == 15 })
        #expect(server.steps.count == 12)
    }

    @Test("steps keep the file and line of their job, and render Directord's server address template")
    func steps() throws {
        let plan = try planner.plan(try Catalog.load(files: files))
        let dev = files[1]
        let server = try #require(plan.servers.first)
        #expect(server.steps[0].origin == CatalogOrigin(file: dev, line: 5))
        #expect(
            server.steps[0].action
                == .upload(
                    source: .path(fixture("directord/dev-setup.sh")), destination: "dev-setup.sh",
                    mode: try fileMode(fixture("directord/dev-setup.sh"))))
        #expect(server.steps[2].action == .run(command: #"[[ ! -f /etc/directord/config.yaml ]] || echo "{}" | sudo tee /etc/directord/config.yaml"#))
        #expect(server.steps[9].action == .download(remote: "/etc/directord/private_keys/client.key_secret", localName: "/tmp/client.key_secret"))
        #expect(server.steps[9].origin.line == 24)

        let client = try #require(plan.clients.last)
        #expect(client.host == "172.16.27.202")
        let script = try #require(commands(client).first { $0.contains("server_address") })
        #expect(script.contains(#"config['server_address'] = "172.16.27.2""#))
        #expect(script.hasPrefix("sudo python3 <<EOC\nimport yaml\n") && script.hasSuffix("EOC"))
        #expect(client.steps[11].origin == CatalogOrigin(file: dev, line: 42))
    }

    @Test("keys the server fetched with GET are added to the clients from the run, not from local files")
    func fetchedKeys() throws {
        let plan = try planner.plan(try Catalog.load(files: files))
        let client = try #require(plan.clients.first)
        #expect(
            client.steps[4].action
                == .upload(source: .fetched(localName: "/tmp/client.key_secret"), destination: "/tmp/client.key_secret-stash", mode: nil))
        #expect(client.steps[4].label == "ADD /tmp/client.key_secret → /tmp/client.key_secret-stash")
        #expect(plan.localSources == [fixture("directord/dev-setup.sh")])
    }

    @Test("directord_bootstrap and directord_server render unmodified")
    func directordVariables() throws {
        let yaml = """
            directord_server:
              targets:
              - host: 172.16.27.120
                username: centos
            directord_clients:
              args:
                port: 2022
              targets:
              - host: 172.16.27.53
                name: client0
              jobs:
              - RUN: echo {{ directord_bootstrap['name'] }} {{ directord_bootstrap.host }}:{{ directord_bootstrap.port }} as {{ directord_bootstrap.username }}
              - RUN: echo server {{ directord_server['targets'][0]['host'] }}, {{ directord_bootstrap.jobs | length }} jobs
            """
        let plan = try plan(yaml)
        let client = try #require(plan.hosts.only)
        #expect(commands(client) == ["echo client0 172.16.27.53:2022 as operator", "echo server 172.16.27.120, 2 jobs"])
    }
}

extension Array {
    /// The only element, or `nil` when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
