import CoxswainCatalog
import CoxswainTemplating
import Foundation
import Testing

@Suite("Planning")
struct CatalogPlanTests {
    @Test("ports, users and names default from args, then 22, the caller's user and the host")
    func targetDefaults() throws {
        let yaml = """
            coxswain_server:
              targets:
              - host: 10.0.0.5
              jobs: [{RUN: uptime}]
            coxswain_clients:
              args: {port: 2022, username: centos, credential: site-key}
              targets:
              - host: 10.0.0.6
                name: web-1
              - {host: 10.0.0.7, port: "2200", username: admin, credential: other-key}
              jobs: [{RUN: uptime}]
            """
        let hosts = try plan(yaml).hosts
        #expect(hosts[0] == BootstrapHost(name: "10.0.0.5", host: "10.0.0.5", port: 22, username: "operator", role: .server, steps: hosts[0].steps))
        #expect(
            hosts[1]
                == BootstrapHost(
                    name: "web-1", host: "10.0.0.6", port: 2022, username: "centos", credential: "site-key", role: .client, steps: hosts[1].steps))
        #expect(
            hosts[2]
                == BootstrapHost(
                    name: "10.0.0.7", host: "10.0.0.7", port: 2200, username: "admin", credential: "other-key", role: .client, steps: hosts[2].steps))
    }

    @Test("templates see the merged catalog, the section's resolved targets and coxswain_bootstrap")
    func templateVariables() throws {
        let installed = try planner.plan(try Catalog.load(files: [fixture("inventory.yaml"), fixture("catalogs/deployer-install.yaml")]))
        #expect(installed.hosts[1].steps[1].action == .run(command: "sudo bash /opt/coxswain/setup.sh 10.0.0.5 web-1"))
        let yaml = """
            site: {domain: example.com}
            coxswain_server:
              targets: [{host: 10.0.0.5}]
            coxswain_clients:
              args: {rack: r1, port: 2022}
              targets:
              - {host: 10.0.0.6, name: web-1}
              - {host: 10.0.0.7, rack: r2}
              jobs:
              - RUN: >-
                  echo {{ coxswain_bootstrap.name }}.{{ site.domain }} rack={{ coxswain_bootstrap.rack }}
                  port={{ coxswain_bootstrap.port }} user={{ coxswain_bootstrap.username }}
                  server={{ coxswain_server.targets[0].host }}:{{ coxswain_server.targets[0].port }}
                  first={{ coxswain_clients.targets[0].name }}
            """
        let hosts = try plan(yaml).hosts
        #expect(hosts.count == 2, "the server has targets but no jobs, so it is not bootstrapped")
        #expect(commands(hosts[0]) == ["echo web-1.example.com rack=r1 port=2022 user=operator server=10.0.0.5:22 first=web-1"])
        #expect(commands(hosts[1]) == ["echo 10.0.0.7.example.com rack=r2 port=2022 user=operator server=10.0.0.5:22 first=web-1"])
    }

    @Test("ADD sources start at the folder of the catalog file that wrote the job")
    func sourceResolution() throws {
        let plan = try planner.plan(try Catalog.load(files: [fixture("inventory.yaml"), fixture("catalogs/deployer-install.yaml")]))
        let setup = fixture("catalogs/files/setup.sh")
        #expect(plan.localSources == [setup])
        #expect(plan.hosts[0].steps[0].action == .upload(source: .path(setup), destination: "setup.sh", mode: try fileMode(setup)))
        #expect(plan.hosts[1].steps[0].action == .upload(source: .path(setup), destination: "/opt/coxswain/setup.sh", mode: 0o700))
        #expect(plan.hosts[1].steps[0].label == "ADD files/setup.sh → /opt/coxswain/setup.sh")
    }

    @Test("an upload's mode is --chmod, else the source file's; sources may use catalog variables and .. parts")
    func sourceModes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let tool = try folder.write("files/tool.sh", "#!/bin/sh\n", mode: 0o750)
        try folder.write("conf/app.conf", "x = 1\n", mode: 0o640)
        let catalogFile = try folder.write(
            "catalogs/site.yaml",
            """
            files_dir: ../files
            coxswain_clients:
              targets: [{host: h1}, {host: h2}]
              jobs:
              - ADD: "'{{ files_dir }}/tool.sh' /usr/local/bin/tool"
              - COPY: --chmod=0600 ../conf/app.conf '/etc/my app/app.conf'
              - add: --chmod 755 {{ files_dir }}/tool.sh tool-{{ coxswain_bootstrap.name }}
            """)
        let plan = try planner.plan(try Catalog.load(files: [catalogFile]))
        let steps = try #require(plan.hosts.last).steps
        #expect(steps[0].action == .upload(source: .path(tool), destination: "/usr/local/bin/tool", mode: 0o750))
        #expect(steps[1].action == .upload(source: .path(folder.path + "/conf/app.conf"), destination: "/etc/my app/app.conf", mode: 0o600))
        #expect(steps[2].action == .upload(source: .path(tool), destination: "tool-h2", mode: 0o755))
        #expect(
            steps.map(\.label) == [
                "ADD ../files/tool.sh → /usr/local/bin/tool", "COPY ../conf/app.conf → /etc/my app/app.conf", "ADD ../files/tool.sh → tool-h2",
            ])
        #expect(plan.localSources == [tool, folder.path + "/conf/app.conf"])
    }

    @Test("GET renders both paths; without a local name it keeps the remote file's name")
    func downloads() throws {
        let yaml = """
            coxswain_clients:
              targets: [{host: 10.0.0.6, name: web-1}]
              jobs:
              - GET: /etc/thing.conf thing.conf
              - get: /var/log/{{ coxswain_bootstrap.name }}.log
              - GET: /etc/hosts "{{ coxswain_bootstrap.name }} hosts"
            """
        let steps = try #require(try plan(yaml).hosts.only).steps
        #expect(
            steps.map(\.action) == [
                .download(remote: "/etc/thing.conf", localName: "thing.conf"),
                .download(remote: "/var/log/web-1.log", localName: "web-1.log"),
                .download(remote: "/etc/hosts", localName: "web-1 hosts"),
            ])
    }

    @Test("verbs match in any case; a job's name becomes its label; long commands are shortened")
    func verbsAndLabels() throws {
        let long = String(repeating: "x", count: 100)
        let yaml = """
            coxswain_clients:
              targets: [{host: h}]
              jobs:
              - run: echo lower
              - Run: echo mixed
              - {name: configure the thing, RUN: ./configure}
              - RUN: echo \(long)
              - RUN: |
                  set -e
                  make install
              - RUN: "true"
            """
        let steps = try #require(try plan(yaml).hosts.only).steps
        #expect(
            steps.map(\.label) == [
                "RUN echo lower", "RUN echo mixed", "configure the thing", "RUN echo " + String(repeating: "x", count: 62) + "…",
                "RUN set -e …", "RUN true",
            ])
        #expect(steps[2].name == "configure the thing")
        #expect(steps[4].action == .run(command: "set -e\nmake install\n"), "the block's final newline is kept, as Directord kept it")
    }

    @Test("the plan round-trips through JSON as tagged objects")
    func codable() throws {
        let plan = try planner.plan(try Catalog.load(files: [fixture("inventory.yaml"), fixture("catalogs/deployer-install.yaml")]))
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(BootstrapPlan.self, from: data) == plan)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains(#""kind":"upload""#) && json.contains(#""kind":"path""#) && json.contains(#""role":"client""#))
        let artifact = BootstrapAction.upload(source: .artifact(digest: "sha256:abc", size: 12), destination: "d", mode: nil)
        let decoded = try JSONDecoder().decode(BootstrapAction.self, from: try JSONEncoder().encode(artifact))
        #expect(decoded == artifact)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BootstrapAction.self, from: Data(#"{"kind":"reboot"}"#.utf8)) }
    }

    @Test("replacing local sources with artifacts leaves no local path to upload")
    func replaceSources() throws {
        var plan = try planner.plan(try Catalog.load(files: [fixture("inventory.yaml"), fixture("catalogs/deployer-install.yaml")]))
        let setup = fixture("catalogs/files/setup.sh")
        plan.replaceSources([setup: .artifact(digest: "sha256:1234", size: 33)])
        #expect(plan.localSources.isEmpty)
        #expect(
            plan.hosts[1].steps[0].action
                == .upload(source: .artifact(digest: "sha256:1234", size: 33), destination: "/opt/coxswain/setup.sh", mode: 0o700))
    }
}
