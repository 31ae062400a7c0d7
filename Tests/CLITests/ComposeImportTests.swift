import CoxswainCLI
import CoxswainCore
import Foundation
import Testing

@Suite("product import-compose: compose files as a version's images")
struct ComposeImportTests {
    static func map(_ yaml: String, files: [String: String] = [:]) throws -> ComposeImport.Mapping {
        try ComposeImport.map(try YAMLFile(text: yaml, file: "/srv/app/docker-compose.yml")) { files[$0] }
    }

    static func problem(_ yaml: String, files: [String: String] = [:]) -> String {
        do {
            _ = try map(yaml, files: files)
            return "no problem"
        } catch {
            return "\(error)"
        }
    }

    @Test("maps a service's image, environment, ports, volumes, networks, restart, labels, command, user, logging and health check")
    func mapsAService() throws {
        let mapping = try Self.map(
            """
            version: "3.9"
            services:
              web:
                image: 127.0.0.1:25500/demo/httpd:1.2
                environment:
                  MODE: prod
                  PORT: 8080
                env_file: web.env
                ports:
                  - "25580:8080"
                  - 9000-9001:9000-9001/udp
                  - target: 9090
                    published: "19090"
                    protocol: tcp
                  - "8443"
                volumes:
                  - data:/var/lib/app
                  - /etc/app:/etc/app:ro
                  - type: volume
                    source: cache
                    target: /cache
                    read_only: true
                networks: [front, back]
                restart: on-failure:3
                labels: ["tier=web"]
                command: ./serve --port "8080"
                entrypoint: ["/bin/sh", "-c"]
                working_dir: /srv
                user: "1000:1000"
                logging:
                  driver: json-file
                  options: {max-size: 10m}
                healthcheck:
                  test: ["CMD", "wget", "-qO-", "http://localhost:8080/"]
                  interval: 1m30s
                  timeout: 500ms
                  retries: 3
                  start_period: 10s
            """,
            files: ["/srv/app/web.env": "# shared\nMODE=dev\nexport DB_HOST=\"db.local\"\nEMPTY=\nCOLOR=blue # inline\n"])
        let web = try #require(mapping.services.first)
        #expect(web.name == "web" && web.reference == ComposeImport.ImageReference(host: "127.0.0.1:25500", repository: "demo/httpd", tag: "1.2"))
        let c = web.config
        // environment wins over env_file.
        #expect(c.environment == ["MODE": "prod", "PORT": "8080", "DB_HOST": "db.local", "EMPTY": "", "COLOR": "blue"])
        #expect(
            c.ports == [
                ContainerConfig.Port(internal: 8080, external: 25580), ContainerConfig.Port(internal: 9090, external: 19090),
                ContainerConfig.Port(internal: 8443),
            ])
        #expect(c.portRanges == [ContainerConfig.PortRange(internal: .init(from: 9000, to: 9001), external: .init(from: 9000, to: 9001), proto: .udp)])
        #expect(
            c.volumes == [
                ContainerConfig.Volume(name: "data", containerPath: "/var/lib/app"),
                ContainerConfig.Volume(hostPath: "/etc/app", containerPath: "/etc/app", readOnly: true),
                ContainerConfig.Volume(name: "cache", containerPath: "/cache", readOnly: true),
            ])
        #expect(c.networks == ["front", "back"] && c.restartPolicy == .onFailure(maxRetries: 3) && c.labels == ["tier": "web"])
        #expect(c.args == ["./serve", "--port", "8080"] && c.command == ["/bin/sh", "-c"])
        #expect(c.workingDirectory == "/srv" && c.user == "1000:1000")
        #expect(c.log == ContainerConfig.LogConfig(driver: "json-file", options: ["max-size": "10m"]))
        #expect(
            c.healthCheck
                == ContainerConfig.HealthCheck(
                    test: ["CMD", "wget", "-qO-", "http://localhost:8080/"], intervalSeconds: 90, timeoutSeconds: 1, retries: 3, startPeriodSeconds: 10))
        #expect(mapping.notes.isEmpty, "\(mapping.notes)")
    }

    @Test("orders images by depends_on (file order otherwise); a cycle or an unknown service is a problem naming them")
    func dependsOnOrder() throws {
        let mapping = try Self.map(
            """
            services:
              web: {image: "shop/web:1", depends_on: [api, cache]}
              api: {image: "shop/api:1", depends_on: {db: {condition: service_healthy}}}
              cache: {image: "redis:7"}
              db: {image: "postgres:16"}
            """)
        #expect(mapping.services.map(\.service) == ["cache", "db", "api", "web"])
        let cycle = Self.problem(
            """
            services:
              a: {image: "x/a:1", depends_on: [b]}
              b: {image: "x/b:1", depends_on: [c]}
              c: {image: "x/c:1", depends_on: [a]}
              d: {image: "x/d:1"}
            """)
        #expect(cycle.contains("cycle: a → b → c → a"), "\(cycle)")
        let unknown = Self.problem("services:\n  a: {image: \"x/a:1\", depends_on: [dbb]}\n")
        #expect(unknown.contains("services.a.depends_on: 'dbb' is not a service"), "\(unknown)")
    }

    @Test("refuses an image without a tag, naming the file, line and service")
    func imageNeedsTag() {
        let text = Self.problem("services:\n  web:\n    image: nginx\n")
        #expect(text.hasPrefix("/srv/app/docker-compose.yml:3: services.web.image: image 'nginx' has no tag"), "\(text)")
        let noImage = Self.problem("services:\n  web:\n    build: .\n")
        #expect(noImage.contains("services.web.image: every service needs an image"), "\(noImage)")
    }

    @Test("malformed YAML names the file, line and problem")
    func malformedYAML() {
        let text = Self.problem("services:\n  web:\n    image: [a, b\n    ports: 1\n")
        #expect(text.hasPrefix("/srv/app/docker-compose.yml:"), "\(text)")
        #expect(text.contains("invalid YAML"), "\(text)")
        let shape = Self.problem("services:\n  web:\n    image: x/web:1\n    ports: \"80:80\"\n")
        #expect(shape == "/srv/app/docker-compose.yml:4: services.web.ports: expected a list", "\(shape)")
        let port = Self.problem("services:\n  web:\n    image: x/web:1\n    ports: [\"80:80:80:80\"]\n")
        #expect(port.contains(":4: services.web.ports[0]: '80:80:80:80' is not a port mapping"), "\(port)")
    }

    @Test("lists what it could not map, per service and at the top level")
    func notes() throws {
        let mapping = try Self.map(
            """
            services:
              my_app:
                image: ghcr.io/acme/app:2
                build: .
                deploy: {replicas: 2}
                environment: [FROM_SHELL, SET=1]
                ports: ["127.0.0.1:8080:80"]
                volumes: ["./data:/data", "logs:/logs:z"]
                network_mode: "service:db"
                container_name: App
            volumes: {logs: {}}
            x-common: {}
            """)
        let notes = mapping.notes.joined(separator: "\n")
        for expected in [
            "top level: not mapped: volumes, x-common", "service my_app: not mapped: build, deploy", "environment.FROM_SHELL has no value",
            "volumes[0]: the relative host path ./data is not mapped", "mount options not mapped: z",
            "network_mode 'service:db' not mapped", "named app", "the container is <prefix>-app",
        ] {
            #expect(notes.contains(expected), "missing '\(expected)' in:\n\(notes)")
        }
        let app = try #require(mapping.services.first)
        #expect(
            app.name == "app" && app.config.environment == ["SET": "1"]
                && app.config.ports == [ContainerConfig.Port(internal: 80, external: 8080, hostIP: "127.0.0.1")])
    }

    @Test("folds YAML merge keys into services")
    func mergeKeys() throws {
        let mapping = try Self.map(
            """
            x-defaults: &defaults
              restart: always
              environment: {A: "1"}
            services:
              web:
                <<: *defaults
                image: x/web:1
                environment: {B: "2"}
            """)
        let web = try #require(mapping.services.first)
        #expect(web.config.restartPolicy == .always && web.config.environment == ["B": "2"])
    }

    @Test("an env_file that cannot be read is a problem unless required: false")
    func envFiles() {
        #expect(Self.problem("services:\n  web: {image: \"x/web:1\", env_file: missing.env}\n").contains("cannot read /srv/app/missing.env"))
        let optional = "services:\n  web:\n    image: x/web:1\n    env_file: [{path: missing.env, required: false}]\n"
        #expect(Self.problem(optional) == "no problem")
    }

    @Test("each image gets the team registry at its host, Docker Hub for none, or the one named")
    func registries() throws {
        let now = Date()
        func registry(_ name: String, _ kind: RegistryKind, _ url: String?) -> RegistryInfo {
            RegistryInfo(
                id: name, name: name, kind: kind, url: url, namespace: nil, apiURL: nil, plainHTTP: false, username: nil, hasPassword: false,
                description: nil, createdAt: now, updatedAt: now)
        }
        let team = [registry("hub", .hub, nil), registry("lab", .v2, "127.0.0.1:25500"), registry("lab-team", .v2, "127.0.0.1:25500/team")]
        let services = [
            ComposeImport.Service(service: "web", name: "web", reference: .init(host: "127.0.0.1:25500", repository: "demo/httpd", tag: "1"), config: .init()),
            ComposeImport.Service(service: "api", name: "api", reference: .init(host: "127.0.0.1:25500", repository: "team/api", tag: "2"), config: .init()),
            ComposeImport.Service(service: "db", name: "db", reference: .init(repository: "postgres", tag: "16"), config: .init()),
        ]
        let entries = try ComposeImport.assignRegistries(services, registries: team, forced: nil).get()
        #expect(entries.map(\.registry) == ["lab", "lab-team", "hub"])
        #expect(entries[2] == ProductFile.ImageEntry(name: "db", registry: "hub", image: "postgres", tag: "16"))
        // A forced registry must be at the image's host.
        guard case .failure(let why) = ComposeImport.assignRegistries(services, registries: team, forced: "hub") else {
            Issue.record("a host mismatch was accepted")
            return
        }
        #expect(why.message.contains("service web: image 127.0.0.1:25500/demo/httpd:1 is on 127.0.0.1:25500, registry hub on docker.io"))
        guard case .failure(let none) = ComposeImport.assignRegistries(Array(services.suffix(1)), registries: Array(team.suffix(2)), forced: nil) else {
            Issue.record("an image without a registry was accepted")
            return
        }
        #expect(none.message.contains("no team registry is at docker.io"))
    }

    @Test("parses compose's durations, sizes, shell words, ports and volumes")
    func valueSyntaxes() {
        #expect(ComposeImport.seconds("1m30s") == 90 && ComposeImport.seconds("30") == 30 && ComposeImport.seconds("1h") == 3600)
        #expect(ComposeImport.seconds("500ms") == 1 && ComposeImport.seconds("10x") == nil && ComposeImport.seconds("") == nil)
        #expect(ComposeImport.bytes("512m") == 512 * 1_048_576 && ComposeImport.bytes("1gb") == 1_073_741_824 && ComposeImport.bytes("12q") == nil)
        #expect(ComposeImport.shellWords(#"sh -c 'echo "a b"' x\ y"#) == ["sh", "-c", #"echo "a b""#, "x y"])
        #expect(ComposeImport.shellWords("unclosed 'quote") == nil)
        #expect(
            (try? ComposeImport.port("[::1]:8080:80/udp").get())
                == ComposeImport.PortSpec(port: .init(internal: 80, external: 8080, proto: .udp, hostIP: "::1")))
        #expect((try? ComposeImport.port("9000-9002:9000-9001").get()) == nil)
        #expect((try? ComposeImport.volume("/data").get())?.0 == ContainerConfig.Volume(containerPath: "/data"))
        #expect((try? ComposeImport.volume("data:relative").get()) == nil)
        #expect(ComposeImport.ImageReference.parse("localhost/app:1").map(\.host) == .success("localhost"))
        #expect(ComposeImport.ImageReference.parse("library/nginx:1.25@sha256:abc").map(\.tag) == .success("1.25"))
    }
}
