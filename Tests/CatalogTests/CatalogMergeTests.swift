import CoxswainCatalog
import CoxswainTemplating
import Testing

@Suite("Merging catalogs")
struct CatalogMergeTests {
    @Test("maps merge recursively, lists extend, and a later scalar wins")
    func deepMerge() throws {
        let merged = try catalog([
            ("a.yaml", "site: {name: alpha, tags: [x], db: {host: db1, port: 5432}}\nkeep: 1"),
            ("b.yaml", "site: {name: beta, tags: [y, z], db: {port: 6432}}\nextra: true"),
        ])
        #expect(merged.files == ["a.yaml", "b.yaml"])
        let variables = merged.variables
        #expect(variables["site"] == ["name": "beta", "tags": ["x", "y", "z"], "db": ["host": "db1", "port": 6432]])
        #expect(variables["keep"] == 1)
        #expect(variables["extra"] == true)
    }

    @Test("the inventory's targets and the install catalog's jobs and variables plan together")
    func inventoryAndInstall() throws {
        let merged = try Catalog.load(files: [fixture("inventory.yaml"), fixture("catalogs/deployer-install.yaml")])
        #expect(merged.variables["deployer"] == ["install_dir": "/opt/coxswain", "channels": ["stable", "edge"], "version": "1.4"])
        let plan = try planner.plan(merged)
        #expect(plan.hosts.map(\.name) == ["10.0.0.5", "web-1", "10.0.0.7"])
        #expect(commands(plan.hosts[0]) == ["sudo bash setup.sh --server /opt/coxswain"])
        #expect(commands(plan.hosts[1]) == ["sudo bash /opt/coxswain/setup.sh 10.0.0.5 web-1"])
        #expect(plan.hosts[2].steps[2].action == .download(remote: "/etc/coxswain/deployer.yaml", localName: "10.0.0.7-deployer.yaml"))
        #expect(plan.hosts[1].steps[1].origin == CatalogOrigin(file: fixture("catalogs/deployer-install.yaml"), line: 14))
    }

    @Test("directord_ and coxswain_ spellings of a section merge, in one file or across files")
    func aliases() throws {
        let merged = try catalog([
            ("inventory.yaml", "directord_clients:\n  targets: [{host: 10.0.0.6}]\ncoxswain_clients:\n  targets: [{host: 10.0.0.7}]"),
            (
                "install.yaml",
                "coxswain_clients:\n  jobs: [{RUN: 'echo {{ directord_clients.targets | length }} {{ coxswain_clients.targets[1].host }}'}]"
            ),
        ])
        #expect(merged.section(.client)?.spelling == "directord_clients")
        let plan = try planner.plan(merged)
        #expect(plan.hosts.map(\.host) == ["10.0.0.6", "10.0.0.7"])
        #expect(commands(plan.hosts[0]) == ["echo 2 10.0.0.7"])
        #expect(merged.variables["directord_clients"] == merged.variables["coxswain_clients"])
    }

    @Test("nested job lists and anchored lists are flattened in order, each job keeping its line")
    func nestedJobs() throws {
        let plan = try planner.plan(try Catalog.load(files: [fixture("anchors.yaml")]))
        let host = try #require(plan.hosts.only)
        #expect(commands(host) == ["echo one", "echo two", "echo three", "echo four"])
        #expect(host.steps.map(\.origin.line) == [2, 3, 4, 16])
    }

    @Test("a '<<' merge key brings defaults that the map's own keys override")
    func mergeKeys() throws {
        let plan = try planner.plan(try Catalog.load(files: [fixture("anchors.yaml")]))
        let host = try #require(plan.hosts.only)
        #expect(host.port == 2200)
        #expect(host.username == "deploy")
    }

    @Test("an empty catalog file merges as nothing")
    func emptyFile() throws {
        let merged = try catalog([("empty.yaml", "# nothing yet\n"), ("c.yaml", "coxswain_clients: {targets: [{host: h}], jobs: [{RUN: x}]}")])
        #expect(try planner.plan(merged).hosts.count == 1)
    }
}
