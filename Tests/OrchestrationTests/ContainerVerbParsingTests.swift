import CoxswainOrchestration
import Testing

/// Directord's container verbs read with its grammar: POD, CONTAINER_IMAGE, SECONTEXT and
/// CONTAINER_CONFIG_DATA, good and bad input (a bad one is refused before anything runs).
@Suite("Container verbs: POD, CONTAINER_IMAGE, SECONTEXT, CONTAINER_CONFIG_DATA")
struct ContainerVerbParsingTests {
    @Test("POD reads each action, Directord's options and --socket-path")
    func podActions() throws {
        #expect(try parseJob("POD", "--start web").0 == .pod(PodCall(action: .start(pod: "web"))))
        #expect(try parseJob("POD", "--stop=web --timeout 30").0 == .pod(PodCall(action: .stop(pod: "web"))))
        #expect(try parseJob("POD", "--rm web --force").0 == .pod(PodCall(action: .remove(pod: "web", force: true))))
        #expect(try parseJob("POD", "--kill web").0 == .pod(PodCall(action: .kill(pod: "web", signal: "SIGKILL"))))
        #expect(try parseJob("POD", "--kill web --kill-signal term").0 == .pod(PodCall(action: .kill(pod: "web", signal: "SIGTERM"))))
        #expect(try parseJob("POD", "--kill web --kill-signal 15").0 == .pod(PodCall(action: .kill(pod: "web", signal: "15"))))
        #expect(
            try parseJob("POD", "--inspect web --socket-path /run/podman/podman.sock").0
                == .pod(PodCall(action: .inspect(pod: "web"), socketPath: "/run/podman/podman.sock")))
        #expect(
            try parseJob("POD", "--play /srv/pods/web.yaml --no-tlsverify --socket-path unix:///tmp/p.sock").0
                == .pod(PodCall(action: .play(file: "/srv/pods/web.yaml", tlsVerify: false), socketPath: "/tmp/p.sock")))
        #expect(
            try parseJob("POD", "--exec-run web-app --env A=1,B=x=y --env C=3 --privileged --command sh -c 'echo $A; ls -la /'").0
                == .pod(
                    PodCall(
                        action: .execRun(
                            container: "web-app", command: ["sh", "-c", "echo $A; ls -la /"], environment: ["A=1", "B=x=y", "C=3"], privileged: true))))
        #expect(
            try parseJob("POD", "", vars: ["exec_run": .string("web"), "command": .list([.string("true")])]).0
                == .pod(PodCall(action: .execRun(container: "web", command: ["true"], environment: [], privileged: false))))
    }

    @Test("POD templates are kept for the node to render and check")
    func podTemplates() throws {
        #expect(try parseJob("POD", "--inspect {{ pod_name }}").0 == .pod(PodCall(action: .inspect(pod: "{{ pod_name }}"))))
        #expect(try parseJob("POD", "--kill web --kill-signal {{ sig }}").0 == .pod(PodCall(action: .kill(pod: "web", signal: "{{ sig }}"))))
    }

    @Test(
        "POD refuses bad input with a clear message",
        arguments: [
            ("", "needs one of --start, --stop, --rm, --kill, --inspect, --play, --exec-run"),
            ("--start a --stop b", "--start and --stop exclude each other; give one of --start, --stop, --rm, --kill, --inspect, --play, --exec-run"),
            ("web", "takes no operands, got 'web' (give the pod to an option such as --start)"),
            ("--start ../containers/x", "--start '../containers/x' is not a pod or container name ([A-Za-z0-9][A-Za-z0-9_.-]*)"),
            ("--inspect 'a b'", "--inspect 'a b' is not a pod or container name ([A-Za-z0-9][A-Za-z0-9_.-]*)"),
            ("--kill web --kill-signal SIGBOGUS", "--kill-signal 'SIGBOGUS' is not a signal (a name such as TERM or SIGKILL, or a number from 1 to 64)"),
            ("--kill web --kill-signal 99", "--kill-signal '99' is not a signal (a name such as TERM or SIGKILL, or a number from 1 to 64)"),
            ("--stop web --force", "--force only applies to --rm"),
            ("--start web --kill-signal TERM", "--kill-signal only applies to --kill"),
            ("--start web --command ls", "--command only applies to --exec-run"),
            ("--inspect web --no-tlsverify", "--no-tlsverify only applies to --play"),
            ("--exec-run web", "--exec-run needs --command WORD… (the command to run in the container)"),
            ("--exec-run web --env NOEQUALS --command true", "--env 'NOEQUALS' is not KEY=VALUE (KEY a variable name)"),
            ("--exec-run web --env 1X=2 --command true", "--env '1X=2' is not KEY=VALUE (KEY a variable name)"),
            ("--inspect web --socket-path relative.sock", "--socket-path 'relative.sock' must be an absolute path (or unix:///path)"),
            ("--start", "--start needs a value (POD)"),
            (
                "--frob web",
                "unknown option --frob; POD takes --exec-help, --skip-cache, --run-once, --timeout, --force-lock, --stdout-arg, --stderr-arg, --start, --stop, --rm, --kill, --inspect, --play, --exec-run, --command, --env, --privileged, --force, --kill-signal, --no-tlsverify, --socket-path"
            ),
        ])
    func podRefusals(arguments: String, message: String) {
        #expect(badOptionMessage("POD", arguments) == message)
    }

    @Test("CONTAINER_IMAGE reads each action with its images")
    func imageActions() throws {
        #expect(try parseJob("CONTAINER_IMAGE", "--pull alpine:3.12").0 == .containerImage(ImageCall(action: .pull, images: ["alpine:3.12"])))
        #expect(
            try parseJob("CONTAINER_IMAGE", "--skip-cache --socket-path /tmp/podman.sock --no-tlsverify --pull alpine:3.13 alpine:3.12").0
                == .containerImage(ImageCall(action: .pull, images: ["alpine:3.13", "alpine:3.12"], tlsVerify: false, socketPath: "/tmp/podman.sock")))
        #expect(
            try parseJob("CONTAINER_IMAGE", "--tag alpine:3.12 quay.io/test/alpine").0
                == .containerImage(ImageCall(action: .tag, images: ["alpine:3.12", "quay.io/test/alpine"])))
        #expect(try parseJob("CONTAINER_IMAGE", "--list").0 == .containerImage(ImageCall(action: .list, images: [])))
        #expect(
            try parseJob("CONTAINER_IMAGE", "127.0.0.1:5000/myimage:spec --inspect").0
                == .containerImage(ImageCall(action: .inspect, images: ["127.0.0.1:5000/myimage:spec"])))
        #expect(
            try parseJob("CONTAINER_IMAGE", "--push 127.0.0.1:5000/myimage:spec --no-tlsverify").0
                == .containerImage(ImageCall(action: .push, images: ["127.0.0.1:5000/myimage:spec"], tlsVerify: false)))
        #expect(
            try parseJob("CONTAINER_IMAGE", "--pull", vars: ["images": .list([.string("a:1"), .string("b:2")])]).0
                == .containerImage(ImageCall(action: .pull, images: ["a:1", "b:2"])))
        #expect(
            try parseJob("CONTAINER_IMAGE", "--pull {{ registry }}/demo:1").0 == .containerImage(ImageCall(action: .pull, images: ["{{ registry }}/demo:1"])))
    }

    @Test(
        "CONTAINER_IMAGE refuses bad input with a clear message",
        arguments: [
            ("alpine", "needs one of --pull, --push, --tag, --list, --inspect"),
            ("--pull --push alpine", "--pull and --push exclude each other"),
            ("--pull", "--pull needs at least one IMAGE"),
            ("--inspect", "--inspect needs at least one IMAGE"),
            ("--tag alpine", "--tag needs exactly two images, IMAGE and NEW, got 1"),
            ("--tag a b c", "--tag needs exactly two images, IMAGE and NEW, got 3"),
            ("--list alpine", "--list takes no IMAGE, got 'alpine'"),
            ("--list --no-tlsverify", "--no-tlsverify only applies to --pull and --push"),
            ("--pull 'al pine'", "'al pine' is not an image reference ([REGISTRY/]PATH[:TAG][@DIGEST], no spaces)"),
            ("--pull alpine --socket-path tmp/x.sock", "--socket-path 'tmp/x.sock' must be an absolute path (or unix:///path)"),
        ])
    func imageRefusals(arguments: String, message: String) {
        #expect(badOptionMessage("CONTAINER_IMAGE", arguments) == message)
    }

    @Test("SECONTEXT reads the rule; --setype is required and --ftype one of Directord's choices")
    func secontext() throws {
        #expect(
            try parseJob("SECONTEXT", "--setype container_file_t --ftype d --seuser system_u --selevel s0 --reload true '/srv/data(/.*)?'").0
                == .secontext(SEContextCall(target: "/srv/data(/.*)?", setype: "container_file_t", ftype: "d", seuser: "system_u", selevel: "s0", reload: true))
        )
        #expect(try parseJob("SECONTEXT", "/srv --setype=httpd_sys_content_t").0 == .secontext(SEContextCall(target: "/srv", setype: "httpd_sys_content_t")))
        #expect(
            try parseJob("SECONTEXT", "", vars: ["target": .string("/srv"), "setype": .string("t"), "reload": .bool(true)]).0
                == .secontext(SEContextCall(target: "/srv", setype: "t", reload: true)))
        #expect(badOptionMessage("SECONTEXT", "/srv") == "needs --setype TYPE (such as container_file_t)")
        #expect(badOptionMessage("SECONTEXT", "--setype t") == "needs TARGET (the path the rule is for)")
        #expect(badOptionMessage("SECONTEXT", "--setype t /a /b") == "takes one TARGET, got 2 operands: /a /b (quote a value with spaces)")
        #expect(badOptionMessage("SECONTEXT", "--setype t --ftype x /a") == "--ftype 'x' is not a file type; choose one of a, b, c, d, f, l, p, s")
        #expect(badOptionMessage("SECONTEXT", "--setype t --reload maybe /a") == "--reload 'maybe' is not true or false")
        #expect(badOptionMessage("SECONTEXT", "--setype 'a b' /a") == "--setype 'a b' must be one word")
    }

    @Test("CONTAINER_CONFIG_DATA reads the path, the pattern and overrides inline or under vars")
    func configData() throws {
        #expect(
            try parseJob("CONTAINER_CONFIG_DATA", "--config-path /var/lib/configs").0
                == .containerConfigData(path: "/var/lib/configs", pattern: "*.json", overrides: nil, debug: false))
        #expect(
            try parseJob("CONTAINER_CONFIG_DATA", #"--config-path /c --config-pattern 'web*.json' --debug --config-overrides '{"web": {"image": "x"}}'"#).0
                == .containerConfigData(path: "/c", pattern: "web*.json", overrides: .map(["web": .map(["image": .string("x")])]), debug: true))
        let overrides = YAMLValue.map(["db": .map(["environment": .list([.string("A=1")])])])
        #expect(
            try parseJob("CONTAINER_CONFIG_DATA", "", vars: ["config_path": .string("/c"), "config_overrides": overrides]).0
                == .containerConfigData(path: "/c", pattern: "*.json", overrides: overrides, debug: false))
        #expect(badOptionMessage("CONTAINER_CONFIG_DATA", "") == "needs --config-path PATH (a directory of JSON files, or one file)")
        #expect(badOptionMessage("CONTAINER_CONFIG_DATA", "/c") == "takes no operands, got '/c' (give the folder as --config-path PATH)")
        #expect(
            badOptionMessage("CONTAINER_CONFIG_DATA", "--config-path /c --config-pattern a/*.json")
                == "--config-pattern 'a/*.json' must match file names in the directory, without '/'")
        #expect(
            badOptionMessage("CONTAINER_CONFIG_DATA", "--config-path /c --config-overrides '[1, 2]'")
                == "--config-overrides must be a map of container names to settings, not '[1, 2]'")
        #expect(
            badOptionMessage("CONTAINER_CONFIG_DATA", "--config-path /c", vars: ["config_overrides": .string("nope")])
                == "vars.config_overrides must be a map of container names to settings, not 'nope'")
    }

    @Test("every container verb has --exec-help and its usage")
    func help() {
        for verb in ["POD", "CONTAINER_IMAGE", "SECONTEXT", "CONTAINER_CONFIG_DATA"] {
            #expect(VerbParser.verbs.contains(verb))
            #expect(VerbParser.help(verb: verb).hasPrefix("usage: \(verb) "))
            #expect((try? parseJob(verb, "--exec-help").0) == .execHelp(verb: verb))
        }
        #expect(VerbParser.help(verb: "POD").contains("--kill-signal SIGNAL"))
        #expect(VerbParser.help(verb: "CONTAINER_CONFIG_DATA").contains("[--config-overrides MAP]"))
    }
}
