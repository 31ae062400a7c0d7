import CoxswainOrchestration
import Testing

@Suite("Cache, query, wait, service, package and reboot verbs")
struct OtherVerbTests {
    @Test("reads CACHEFILE and CACHEEVICT operands")
    func cacheVerbs() throws {
        #expect(try parseJob("CACHEFILE", "/tmp/test/test-cache.yaml").0 == .cachefile("/tmp/test/test-cache.yaml"))
        #expect(try parseJob("CACHEEVICT", "all").0 == .cacheevict("all"))
        #expect(try parseJob("CACHEEVICT", "--timeout=5 my-tag").1.timeout == 5)
        #expect(badOptionMessage("CACHEFILE", "") == "needs PATH")
        #expect(badOptionMessage("CACHEEVICT", "args envs") == "takes one TAG, got 2 operands: args envs (quote a value with spaces)")
    }

    @Test("reads QUERY with --no-wait before or after the key", arguments: ["--no-wait base64_hosts", "base64_hosts --no-wait"])
    func query(arguments: String) throws {
        #expect(try parseJob("QUERY", arguments).0 == .query(key: "base64_hosts", noWait: true))
    }

    @Test(
        "reads QUERY_WAIT's timeout and identities in both forms",
        arguments: ["ssh_key --query-timeout 30 --identity a b --identity c", "ssh_key --query-timeout=30 --identity=a --identity b c"])
    func queryWait(arguments: String) throws {
        #expect(try parseJob("QUERY_WAIT", arguments).0 == .queryWait(item: "ssh_key", timeout: 30, identities: ["a", "b", "c"]))
    }

    @Test("defaults QUERY_WAIT to 600 seconds and any identity")
    func queryWaitDefaults() throws {
        #expect(try parseJob("QUERY_WAIT", "ssh_key").0 == .queryWait(item: "ssh_key", timeout: 600, identities: []))
        #expect(badOptionMessage("QUERY_WAIT", "--identity a b") == "needs ITEM")
        #expect(badOptionMessage("QUERY_WAIT", "item --identity") == "--identity needs at least one NODE")
    }

    @Test(
        "reads JOB_WAIT's identities and timeout in both forms",
        arguments: ["abc123 --identity node-a node-b --job-timeout 9", "abc123 --job-timeout=9 --identity=node-a --identity node-b"])
    func jobWait(arguments: String) throws {
        #expect(try parseJob("JOB_WAIT", arguments).0 == .jobWait(sha: "abc123", identities: ["node-a", "node-b"], timeout: 9))
    }

    @Test("requires JOB_WAIT's identities")
    func jobWaitNeedsIdentity() {
        #expect(badOptionMessage("JOB_WAIT", "abc123") == "needs --identity NODE… (the nodes that must have finished the job)")
    }

    @Test("reads each WAIT condition in both forms")
    func waitConditions() throws {
        #expect(try parseJob("WAIT", "--seconds 5").0 == .wait(.seconds(5), retry: 30, retryWait: 1))
        #expect(try parseJob("WAIT", "--seconds=0.5").0 == .wait(.seconds(0.5), retry: 30, retryWait: 1))
        #expect(
            try parseJob("WAIT", "--url https://node/health --insecure --retry 3 --retry-wait 2").0
                == .wait(.url("https://node/health", insecure: true), retry: 3, retryWait: 2))
        #expect(try parseJob("WAIT", "--retry=0 --retry-wait=0 --url=https://node/").0 == .wait(.url("https://node/", insecure: false), retry: 0, retryWait: 0))
        #expect(
            try parseJob("WAIT", "--retry 2 --cmd test -f /tmp/ready --retry 9").0
                == .wait(.command("test -f /tmp/ready --retry 9"), retry: 2, retryWait: 1))
        #expect(try parseJob("WAIT", "--cmd=curl  -sf http://x").0 == .wait(.command("curl  -sf http://x"), retry: 30, retryWait: 1))
        #expect(try parseJob("WAIT", "", vars: ["cmd": .string("true"), "retry": .int(1)]).0 == .wait(.command("true"), retry: 1, retryWait: 1))
    }

    @Test("refuses a WAIT without exactly one condition")
    func waitErrors() {
        #expect(badOptionMessage("WAIT", "--retry 3") == "needs exactly one of --seconds N, --url URL, --cmd CMD")
        #expect(badOptionMessage("WAIT", "--seconds 1 --url http://x") == "needs exactly one of --seconds N, --url URL, --cmd CMD, got 2")
        #expect(badOptionMessage("WAIT", "--insecure --seconds 1") == "--insecure only applies to --url")
        #expect(badOptionMessage("WAIT", "--seconds soon") == "--seconds 'soon' is not a number of seconds")
        #expect(badOptionMessage("WAIT", "--seconds 1 extra")?.hasPrefix("unexpected 'extra'") == true)
        #expect(badOptionMessage("WAIT", "--cmd   ") == "--cmd needs a non-empty value")
        #expect(badOptionMessage("WAIT", "--frob 1")?.hasPrefix("unknown option --frob; WAIT takes") == true)
    }

    @Test("reads QUEUESENTINEL with or without its ignored operand")
    func queueSentinel() throws {
        #expect(try parseJob("QUEUESENTINEL", "").0 == .queueSentinel)
        #expect(try parseJob("QUEUESENTINEL", "true").0 == .queueSentinel)
        #expect(badOptionMessage("QUEUESENTINEL", "a b") == "takes at most one operand, got 2: a b")
    }

    @Test("keeps ECHO's whole text")
    func echo() throws {
        #expect(try parseJob("ECHO", "Hello  World").0 == .echo("Hello  World"))
        let (call, options) = try parseJob("ECHO", "--skip-cache --timeout=3 test")
        #expect(call == .echo("test"))
        #expect(options.skipCache && options.timeout == 3)
        #expect(badOptionMessage("ECHO", "--skip-cache") == "needs TEXT")
    }

    @Test(
        "reads SERVICE's flags in Directord's spelling",
        arguments: ["--skip-cache --enable --restarted httpd.service", "httpd.service --restarted --enable --skip-cache"])
    func service(arguments: String) throws {
        let (call, options) = try parseJob("SERVICE", arguments)
        #expect(call == .service(services: ["httpd.service"], running: .restarted, enablement: .enable, daemonReload: false))
        #expect(options.skipCache && options.retry == 3)
    }

    @Test("reads SERVICE's stop, disable, daemon-reload and retry")
    func serviceStop() throws {
        let (call, options) = try parseJob("SERVICE", "--stopped --disable --daemon-reload --retry=5 a.service b.service")
        #expect(call == .service(services: ["a.service", "b.service"], running: .stopped, enablement: .disable, daemonReload: true))
        #expect(options.retry == 5)
        #expect(try parseJob("SERVICE", "--retry 1 c").0 == .service(services: ["c"], running: .started, enablement: nil, daemonReload: false))
        #expect(try parseJob("SERVICE", "--reloaded --unmask d").0 == .service(services: ["d"], running: .reloaded, enablement: .unmask, daemonReload: false))
        #expect(try parseJob("SERVICE", "--mask e").0 == .service(services: ["e"], running: .started, enablement: .mask, daemonReload: false))
    }

    @Test("refuses SERVICE flags that Directord does not have or that contradict")
    func serviceErrors() {
        #expect(badOptionMessage("SERVICE", "--restarted --stopped x") == "--restarted, --reloaded and --stopped exclude each other")
        #expect(badOptionMessage("SERVICE", "--mask --enable x") == "--enable, --disable, --mask and --unmask exclude each other")
        #expect(badOptionMessage("SERVICE", "--enable --disable x") == "--enable, --disable, --mask and --unmask exclude each other")
        #expect(badOptionMessage("SERVICE", "--frobbed x")?.hasPrefix("unknown option --frobbed; SERVICE takes") == true)
        #expect(badOptionMessage("SERVICE", "--masked x")?.hasPrefix("unknown option --masked") == true)
        #expect(badOptionMessage("SERVICE", "--restarted") == "needs at least one unit NAME")
    }

    @Test(
        "reads PKG and DNF options in both forms",
        arguments: [
            ("PKG", "--latest --exclude kernel --exclude=firmware --clear-metadata nginx curl"),
            ("DNF", "nginx --latest --exclude=kernel curl --exclude firmware --clear-metadata"),
        ])
    func packages(verb: String, arguments: String) throws {
        let (call, options) = try parseJob(verb, arguments)
        #expect(call == .pkg(packages: ["nginx", "curl"], state: .latest, exclude: ["kernel", "firmware"], clearMetadata: true))
        #expect(options.retry == 3)
    }

    @Test("reads package removal and refuses contradictions")
    func packageStates() throws {
        #expect(try parseJob("DNF", "--absent --retry 1 telnet").0 == .pkg(packages: ["telnet"], state: .absent, exclude: [], clearMetadata: false))
        #expect(try parseJob("PKG", "vim").0 == .pkg(packages: ["vim"], state: .present, exclude: [], clearMetadata: false))
        #expect(badOptionMessage("PKG", "--latest --absent vim") == "--latest and --absent exclude each other")
        #expect(badOptionMessage("DNF", "--latest") == "needs at least one PACKAGE")
    }

    @Test("reads REBOOT's optional delay")
    func reboot() throws {
        #expect(try parseJob("REBOOT", "").0 == .reboot(seconds: nil))
        #expect(try parseJob("REBOOT", "30").0 == .reboot(seconds: 30))
        #expect(try parseJob("REBOOT", "", vars: ["time": .int(5)]).0 == .reboot(seconds: 5))
        #expect(badOptionMessage("REBOOT", "soon") == "SECONDS 'soon' is not a whole number of seconds")
        #expect(badOptionMessage("REBOOT", "1 2") == "takes one SECONDS operand, got 1 2")
    }
}
