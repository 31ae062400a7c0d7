import CoxswainCatalog
import Foundation
import Testing

/// Bad catalogs fail while planning, before any SSH connection, naming the file and the line.
@Suite("Catalog errors")
struct CatalogErrorTests {
    let clients = "coxswain_clients:\n  targets: [{host: 10.0.0.6, name: web-1}]\n  jobs:\n"

    @Test("invalid YAML names the file, line and column")
    func yamlSyntax() {
        let error = planFailure("coxswain_clients:\n  targets:\n  - host: [10.0.0.6\n", file: "site.yaml")
        guard case .yaml(let file, let line, let column, _)? = error else {
            Issue.record("expected a YAML error, got \(String(describing: error))")
            return
        }
        #expect(file == "site.yaml" && line == 4 && column != nil)
        #expect(error?.description.hasPrefix("site.yaml:4:") == true)
    }

    @Test("a duplicate key is a YAML error at its line")
    func duplicateKey() {
        let error = planFailure("a: 1\nb: 2\na: 3\n", file: "dup.yaml")
        guard case .yaml(_, let line?, _, let problem)? = error else {
            Issue.record("expected a YAML error, got \(String(describing: error))")
            return
        }
        #expect(line == 1 || line == 3)
        #expect(problem.contains("'a'"))
    }

    @Test("a catalog whose top level is not a map fails")
    func topLevel() {
        #expect(
            planFailure("- RUN: echo hi\n", file: "list.yaml")
                == .structure(
                    CatalogOrigin(file: "list.yaml", line: 1),
                    "the top level is a list, not a map; a catalog has 'coxswain_server' and/or 'coxswain_clients' sections and optional variables"))
    }

    @Test("catalogs without a server or clients section fail, naming the files")
    func noSections() {
        let error = planFailure([("vars.yaml", "deployer: {install_dir: /opt}\n"), ("more.yaml", "x: 1\n")])
        #expect(error == .noSections(files: ["vars.yaml", "more.yaml"]))
        #expect(error?.description.contains("vars.yaml, more.yaml") == true)
    }

    @Test("targets without any jobs fail")
    func noJobs() {
        #expect(planFailure("coxswain_clients:\n  targets: [{host: h}]\n", file: "inventory.yaml") == .noJobs(files: ["inventory.yaml"]))
    }

    @Test("a section without targets fails at the section's line, in the file that first wrote it")
    func noTargets() {
        let error = planFailure([
            ("vars.yaml", "site: x\n\ndirectord_clients:\n  args: {port: 22}\n"), ("jobs.yaml", "coxswain_clients:\n  jobs: [{RUN: uptime}]\n"),
        ])
        #expect(
            error
                == .structure(
                    CatalogOrigin(file: "vars.yaml", line: 3),
                    "'directord_clients' has no 'targets'; list the hosts to bootstrap, e.g. 'targets: [{host: 10.0.0.6}]'"))
        #expect(
            planFailure("coxswain_server:\n  targets: []\n  jobs: [{RUN: x}]\n")?.description.hasPrefix(
                "catalog.yaml:2: 'coxswain_server.targets' is empty") == true)
        #expect(
            planFailure("coxswain_server:\n  targets: {host: h}\n")?.description.hasPrefix("catalog.yaml:2: 'coxswain_server.targets' must be a list")
                == true)
        #expect(planFailure("coxswain_server: [a]\n")?.description.hasPrefix("catalog.yaml:1: 'coxswain_server' must be a map") == true)
    }

    @Test("a target without a host fails at the target's line")
    func noHost() {
        let yaml = "coxswain_clients:\n  targets:\n  - host: 10.0.0.6\n  - name: web-2\n    port: 22\n  jobs: [{RUN: x}]\n"
        #expect(
            planFailure(yaml, file: "inventory.yaml")
                == .structure(
                    CatalogOrigin(file: "inventory.yaml", line: 4),
                    "the target has no 'host'; give each target the address to connect to, e.g. '- host: 10.0.0.6'"))
        #expect(planFailure("coxswain_clients:\n  targets:\n  - 10.0.0.6\n")?.description.hasPrefix("catalog.yaml:3: a target must be a map") == true)
    }

    @Test("a port that is not a number from 1 to 65535 fails at its line")
    func badPort() {
        #expect(
            planFailure("coxswain_clients:\n  targets:\n  - host: h\n    port: ssh\n")?.description.hasPrefix(
                "catalog.yaml:4: 'port' must be a number from 1 to 65535, not the value 'ssh'") == true)
        #expect(
            planFailure("coxswain_clients:\n  args: {port: 70000}\n  targets: [{host: h}]\n")?.description.hasPrefix("catalog.yaml:2: 'port' must be")
                == true)
    }

    @Test("a job that is not a map fails at its line")
    func jobNotAMap() {
        #expect(
            planFailure(clients + "  - RUN: uptime\n  - echo hello\n", file: "jobs.yaml")
                == .structure(CatalogOrigin(file: "jobs.yaml", line: 5), "a job must be a map such as 'RUN: echo hello', not the value 'echo hello'"))
    }

    @Test("an unknown verb fails at its line, listing the known verbs")
    func unknownVerb() {
        let error = planFailure(clients + "  - RUN: uptime\n  - name: wait\n    WAIT: 10\n", file: "jobs.yaml")
        #expect(error == .unknownVerb(CatalogOrigin(file: "jobs.yaml", line: 6), verb: "WAIT", known: ["RUN", "ADD", "COPY", "GET"]))
        #expect(error?.description == "jobs.yaml:6: unknown verb 'WAIT'; a job is one of RUN, ADD, COPY, GET (optionally with 'name')")
    }

    @Test("a job with two verbs or none fails")
    func verbCount() {
        #expect(
            planFailure(clients + "  - {RUN: a, GET: b}\n")?.description == "catalog.yaml:4: the job has 2 verbs (RUN, GET); write one job per verb")
        #expect(planFailure(clients + "  - name: nothing\n")?.description.hasPrefix("catalog.yaml:4: the job has no verb") == true)
    }

    @Test("a RUN without a command fails")
    func emptyRun() {
        #expect(
            planFailure(clients + "  - RUN:\n", file: "jobs.yaml")
                == .badJob(CatalogOrigin(file: "jobs.yaml", line: 4), verb: "RUN", "no command; write 'RUN: COMMAND'"))
        #expect(
            planFailure(clients + "  - RUN: [a, b]\n")?.description.hasPrefix("catalog.yaml:4: RUN: the value must be the operands as text") == true)
    }

    @Test("ADD needs exactly a source and a destination, and a valid mode")
    func addOperands() {
        #expect(
            planFailure(clients + "  - ADD: setup.sh\n", file: "jobs.yaml")
                == .badJob(
                    CatalogOrigin(file: "jobs.yaml", line: 4), verb: "ADD",
                    "only 'setup.sh'; it needs a source and a destination: ADD [--chmod MODE] SOURCE DESTINATION"))
        #expect(planFailure(clients + "  - COPY:\n")?.description.hasPrefix("catalog.yaml:4: COPY: no operands;") == true)
        #expect(planFailure(clients + "  - ADD: a b c\n")?.description.hasPrefix("catalog.yaml:4: ADD: 3 operands;") == true)
        #expect(
            planFailure(clients + "  - ADD: --chmod rwx a b\n")?.description
                == "catalog.yaml:4: ADD: '--chmod rwx' is not an octal file mode such as 0644 or 0755")
        #expect(planFailure(clients + "  - ADD: --owner root a b\n")?.description.hasPrefix("catalog.yaml:4: ADD: unknown option '--owner'") == true)
        #expect(planFailure(clients + "  - ADD: a \"b c\n")?.description.hasPrefix("catalog.yaml:4: ADD: unterminated \" quote") == true)
        #expect(planFailure(clients + "  - GET: a b c\n")?.description.hasPrefix("catalog.yaml:4: GET: 3 operands;") == true)
        #expect(planFailure(clients + "  - GET: /etc/ \n")?.description.hasPrefix("catalog.yaml:4: GET: no local name for '/etc/'") == true)
        #expect(
            planFailure(clients + "  - GET: /etc/passwd ../../passwd\n")?.description.hasPrefix(
                "catalog.yaml:4: GET: the local name '../../passwd' goes up") == true)
    }

    @Test("an undefined variable names the job's file and line, the target and the variable")
    func undefinedVariable() {
        let error = planFailure([
            ("inventory.yaml", "coxswain_clients:\n  targets:\n  - {host: 10.0.0.6, name: web-1}\n  - {host: 10.0.0.7, name: web-2, role: db}\n"),
            ("install.yaml", "coxswain_clients:\n  jobs:\n  - RUN: echo ok\n  - RUN: echo {{ coxswain_bootstrap.role }}\n"),
        ])
        #expect(
            error
                == .undefinedVariable(
                    CatalogOrigin(file: "install.yaml", line: 4), verb: "RUN", target: "web-1", variable: "coxswain_bootstrap.role", templateLine: 1))
        #expect(error?.description.hasPrefix("install.yaml:4: RUN for target 'web-1': 'coxswain_bootstrap.role' is undefined;") == true)
    }

    @Test("an undefined variable in a multi-line command names the template line too")
    func undefinedVariableInBlock() {
        let error = planFailure(clients + "  - RUN: |\n      set -e\n      echo {{ site.domain }}\n", file: "jobs.yaml")
        #expect(
            error == .undefinedVariable(CatalogOrigin(file: "jobs.yaml", line: 4), verb: "RUN", target: "web-1", variable: "site", templateLine: 2))
        #expect(error?.description.contains("(line 2 of the template)") == true)
    }

    @Test("an undefined variable in a destination, a GET path or a source fails the same way")
    func undefinedElsewhere() {
        #expect(
            planFailure(clients + "  - ADD: catalogs/files/setup.sh {{ dest }}\n")
                == .undefinedVariable(CatalogOrigin(file: "catalog.yaml", line: 4), verb: "ADD", target: "web-1", variable: "dest", templateLine: 1))
        #expect(
            planFailure(clients + "  - GET: /etc/{{ what }} x\n")
                == .undefinedVariable(CatalogOrigin(file: "catalog.yaml", line: 4), verb: "GET", target: "web-1", variable: "what", templateLine: 1))
        #expect(
            planFailure(clients + "  - ADD: \"'{{ files.dir }}/setup.sh' dest\"\n")
                == .undefinedVariable(CatalogOrigin(file: "catalog.yaml", line: 4), verb: "ADD", target: nil, variable: "files", templateLine: 1))
    }

    @Test("a source that uses the target variable fails, saying sources are resolved locally")
    func targetVariableInSource() {
        let error = planFailure(clients + "  - ADD: files/{{ coxswain_bootstrap.name }}.conf /etc/app.conf\n")
        #expect(error == .targetVariableInSource(CatalogOrigin(file: "catalog.yaml", line: 4), verb: "ADD", variable: "coxswain_bootstrap"))
        #expect(error?.description.contains("sources are read on this machine before any target is contacted") == true)
        #expect(
            planFailure(clients + "  - COPY: keys/{{ directord_bootstrap['host'] }} x\n")
                == .targetVariableInSource(CatalogOrigin(file: "catalog.yaml", line: 4), verb: "COPY", variable: "directord_bootstrap"))
    }

    @Test("invalid Jinja fails at the job's line")
    func templateSyntax() {
        let error = planFailure(clients + "  - RUN: echo {% if x %}\n")
        guard case .template(let origin, "RUN", nil, let message)? = error else {
            Issue.record("expected a template error, got \(String(describing: error))")
            return
        }
        #expect(origin == CatalogOrigin(file: "catalog.yaml", line: 4))
        #expect(message.contains("'command'"))
    }

    @Test("a missing ADD source names the job's file and line and the resolved path")
    func missingSource() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("files/present.sh", "")
        let file = try folder.write("site/install.yaml", clients + "  - ADD: ../files/present.sh a\n  - ADD: ../files/absent.sh b\n")
        let error = failure { () throws(CatalogError) in try planner.plan(try Catalog.load(files: [file])) }
        #expect(
            error
                == .missingSource(
                    CatalogOrigin(file: file, line: 5), verb: "ADD", source: "../files/absent.sh", path: folder.path + "/files/absent.sh",
                    reason: "does not exist"))
        #expect(
            error?.description
                == "\(file):5: ADD: source '../files/absent.sh' (\(folder.path)/files/absent.sh) does not exist; relative sources start at the catalog file's folder"
        )
        let directory = failure { () throws(CatalogError) in
            try planner.plan(try catalog([("d.yaml", clients + "  - ADD: files b\n")], directory: folder.path))
        }
        #expect(directory?.description.contains("is a directory, not a file") == true)
    }

    @Test("a GET's local name only stands for a source in steps after it")
    func fetchedOnlyAfterGet() {
        let error = planFailure(clients + "  - ADD: key.pem /tmp/key.pem\n  - GET: /etc/key.pem key.pem\n")
        #expect(
            error
                == .missingSource(
                    CatalogOrigin(file: "catalog.yaml", line: 4), verb: "ADD", source: "key.pem", path: fixturesFolder + "/key.pem",
                    reason: "does not exist"))
    }

    @Test("an unreadable file and an empty list of files fail")
    func unreadable() {
        #expect(failure { () throws(CatalogError) in try Catalog.load(files: []) } == .noCatalogFiles)
        let error = failure { () throws(CatalogError) in try Catalog.load(files: [fixture("nope.yaml")]) }
        guard case .unreadableFile(let path, _)? = error else {
            Issue.record("expected an unreadable file")
            return
        }
        #expect(path == fixture("nope.yaml"))
    }

    @Test("catalog errors are permanent")
    func notRetriable() {
        #expect(CatalogError.noCatalogFiles.isRetriable == false)
    }
}

/// The error `body` throws, or `nil` when it returns.
func failure<T>(_ body: () throws(CatalogError) -> T) -> CatalogError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
