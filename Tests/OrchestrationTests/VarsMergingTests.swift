import CoxswainOrchestration
import Testing

@Suite("vars: options as YAML")
struct VarsMergingTests {
    @Test("gives the same options as inline flags")
    func sameAsInline() throws {
        let inline = try parseJob("RUN", "--skip-cache --stdout-arg out --timeout 30 --retry 2 echo hi")
        let vars = try parseJob(
            "RUN", "echo hi", vars: ["skip_cache": .bool(true), "stdout_arg": .string("out"), "timeout": .int(30), "retry": .int(2)])
        #expect(inline == vars)
    }

    @Test("win over inline flags, as in Directord")
    func varsWin() throws {
        let (_, options) = try parseJob(
            "RUN", "--skip-cache --stdout-arg inline --timeout 30 echo hi",
            vars: ["skip_cache": .bool(false), "stdout_arg": .string("from_vars"), "timeout": .string("45")])
        #expect(options == JobOptions(skipCache: false, timeout: 45, stdoutArg: "from_vars", retry: 1))
        let (_, cleared) = try parseJob("RUN", "--stdout-arg inline echo", vars: ["stdout_arg": .null])
        #expect(cleared.stdoutArg == nil)
    }

    @Test("read booleans the way Python's strtobool does")
    func booleans() throws {
        #expect(try parseJob("RUN", "x", vars: ["skip_cache": .string("yes")]).1.skipCache)
        #expect(try parseJob("RUN", "x", vars: ["run_once": .int(1)]).1.runOnce)
        #expect(try !parseJob("RUN", "x", vars: ["no_block": .string("off")]).0.isNoBlock)
        #expect(badOptionMessage("RUN", "x", vars: ["skip_cache": .string("maybe")]) == "vars.skip_cache must be true or false, not 'maybe'")
    }

    @Test("fill operands and list options")
    func operandsAndLists() throws {
        #expect(
            try parseJob("SERVICE", "--restarted", vars: ["services": .list([.string("a"), .string("b")])]).0
                == .service(services: ["a", "b"], running: .restarted, enablement: nil, daemonReload: false))
        #expect(
            try parseJob("QUERY_WAIT", "key --identity x", vars: ["identity": .list([.string("n1"), .string("n2")]), "query_timeout": .double(2.5)]).0
                == .queryWait(item: "key", timeout: 2.5, identities: ["n1", "n2"]))
        #expect(
            try parseJob("PKG", "nginx", vars: ["exclude": .string("kernel"), "latest": .bool(true)]).0
                == .pkg(packages: ["nginx"], state: .latest, exclude: ["kernel"], clearMetadata: false))
        #expect(try parseJob("ECHO", "ignored", vars: ["echo": .string("from vars")]).0 == .echo("from vars"))
    }

    @Test("accept an option's name with dashes as well as underscores")
    func dashedKeys() throws {
        #expect(try parseJob("RUN", "x", vars: ["stdout-arg": .string("out")]).1.stdoutArg == "out")
    }

    @Test("name the vars key that is wrong")
    func errors() {
        #expect(badOptionMessage("RUN", "x", vars: ["timeout": .string("abc")]) == "vars.timeout 'abc' is not a number of seconds")
        #expect(badOptionMessage("RUN", "x", vars: ["stdout_arg": .list([.string("a")])]) == #"vars.stdout_arg must be a single value, not ["a"]"#)
        #expect(badOptionMessage("RUN", "x", vars: ["stdout": .string("a")])?.hasPrefix("unknown vars key 'stdout'; RUN takes exec_help, skip_cache") == true)
        #expect(badOptionMessage("SERVICE", "x", vars: ["services": .map([:])]) == "vars.services must be a value or a list, not a map")
    }
}

extension VerbCall {
    fileprivate var isNoBlock: Bool {
        if case .run(_, let noBlock) = self { return noBlock }
        return false
    }
}
