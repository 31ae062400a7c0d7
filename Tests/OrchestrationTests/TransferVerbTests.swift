import CoxswainOrchestration
import Testing

@Suite("ADD, COPY and WORKDIR")
struct TransferVerbTests {
    @Test(
        "reads --chown, --chmod and --blueprint in both forms",
        arguments: [
            "--chown=0:0 --chmod=0644 --blueprint files/a.j2 files/b.j2 /etc/app/",
            "--chown 0:0 --chmod 0644 --blueprint files/a.j2 files/b.j2 /etc/app/",
            "files/a.j2 --chown 0:0 files/b.j2 /etc/app/ --chmod=0644 --blueprint",
        ])
    func addOptions(arguments: String) throws {
        let (call, _) = try parseJob("ADD", arguments)
        let sources = [SourceRef(pattern: "files/a.j2", baseDirectory: "/srv/site"), SourceRef(pattern: "files/b.j2", baseDirectory: "/srv/site")]
        #expect(call == .add(sources: sources, destination: "/etc/app/", chown: "0:0", chmod: "0644", blueprint: true))
    }

    @Test("resolves sources against the orchestration's folder and keeps the pattern")
    func sourceResolution() throws {
        let (call, _) = try parseJob("COPY", "files/*.conf ../shared/./x.conf /etc/hosts /tmp/")
        guard case .copy(let sources, let destination, nil, nil, false) = call else {
            Issue.record("not a plain COPY: \(call)")
            return
        }
        #expect(sources.map(\.pattern) == ["files/*.conf", "../shared/./x.conf", "/etc/hosts"])
        #expect(sources.map(\.path) == ["/srv/site/files/*.conf", "/srv/shared/x.conf", "/etc/hosts"])
        #expect(sources.map(\.isGlob) == [true, false, false])
        #expect(destination == "/tmp/")
        #expect(VerbCall.isDirectory(destination))
    }

    @Test("keeps sources relative without a base folder")
    func noBase() throws {
        let (call, _) = try VerbParser.parse(verb: "ADD", arguments: "a.txt /tmp/a.txt", at: jobLocation)
        #expect(call == .add(sources: [SourceRef(pattern: "a.txt", baseDirectory: nil)], destination: "/tmp/a.txt", chown: nil, chmod: nil, blueprint: false))
        #expect(SourceRef(pattern: "a.txt", baseDirectory: nil).path == "a.txt")
        #expect(SourceRef.resolve("x/../../y", against: "site") == "y")
    }

    @Test("keeps a quoted or Jinja destination whole")
    func jinjaDestination() throws {
        let (quoted, _) = try parseJob("ADD", #"--blueprint files/authorized_keys "{{ director_ssh_folder }}/authorized_keys""#)
        #expect(
            quoted
                == .add(
                    sources: [SourceRef(pattern: "files/authorized_keys", baseDirectory: "/srv/site")],
                    destination: "{{ director_ssh_folder }}/authorized_keys", chown: nil, chmod: nil, blueprint: true))
        let (bare, _) = try parseJob("ADD", #"files/ghost.service /etc/systemd/system/ghost-{{ domain_name | replace(".", "-") }}.service"#)
        guard case .add(_, let destination, _, _, _) = bare else {
            Issue.record("not an ADD")
            return
        }
        #expect(destination == #"/etc/systemd/system/ghost-{{ domain_name | replace(".", "-") }}.service"#)
    }

    @Test("refuses what cannot be copied")
    func errors() {
        #expect(badOptionMessage("ADD", "files/only-one") == "needs SRC… DEST, got only 'files/only-one' (quote a path with spaces)")
        #expect(badOptionMessage("COPY", "") == "needs SRC… DEST, got nothing (quote a path with spaces)")
        #expect(badOptionMessage("ADD", "a b /etc/file") == "copies 2 sources, so DEST '/etc/file' must be a directory ending in '/'")
        #expect(badOptionMessage("ADD", "--chmod rw a /tmp/") == "--chmod 'rw' is not an octal mode such as 0644")
        #expect(badOptionMessage("ADD", "--chown= a /tmp/") == "--chown needs a non-empty value")
        #expect(badOptionMessage("ADD", "--owner root a /tmp/")?.hasPrefix("unknown option --owner; ADD takes") == true)
        #expect(badOptionMessage("ADD", #"a "/tmp/x"#)?.hasPrefix("unterminated \" quote") == true)
    }

    @Test(
        "reads WORKDIR's options in both forms",
        arguments: ["--chown=0:0 --chmod=0777 --recursive /tmp/test/mode", "--chown 0:0 --chmod 0777 --recursive /tmp/test/mode"])
    func workdir(arguments: String) throws {
        #expect(try parseJob("WORKDIR", arguments).0 == .workdir(path: "/tmp/test/mode", chown: "0:0", chmod: "0777", recursive: true))
    }

    @Test("accepts a symbolic WORKDIR mode and refuses a bad one")
    func workdirModes() throws {
        #expect(try parseJob("WORKDIR", "--chmod u+rwx,go-w /srv").0 == .workdir(path: "/srv", chown: nil, chmod: "u+rwx,go-w", recursive: false))
        #expect(badOptionMessage("WORKDIR", "--chmod 999 /srv")?.contains("is not a mode") == true)
        #expect(badOptionMessage("WORKDIR", "--recursive /srv") == "--recursive needs --chown or --chmod")
        #expect(badOptionMessage("WORKDIR", "/a /b") == "takes one PATH, got 2 operands: /a /b (quote a value with spaces)")
        #expect(badOptionMessage("WORKDIR", "") == "needs PATH")
    }
}
