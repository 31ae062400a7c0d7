import Foundation
import Testing

/// Issue 13's definition of done: the README's "CLI by example" re-run against a real platform
/// (five nodes, two with the container engine, the test registry). Every example either runs —
/// as written, or with a harmless payload or a local path where running it as written would touch
/// the machine — with its expected exit status, or is skipped with the reason the test platform
/// cannot run it. A rule for an example the README no longer has fails the test, and so does an
/// example that exits otherwise than expected.
extension PlatformTests {
    /// The rules, by the example's README text (after `;` splitting, comments dropped).
    static let readmeRules: [String: ReadmeExampleRule] = [
        "coxswain exec --verb RUN 'make test' --check --no-trunc": .init(
            command: "coxswain exec --verb RUN 'make -C /nonexistent test' --check --no-trunc", expect: 1,
            why: "a make that fails on every node (the nodes' working directory could hold a real Makefile)"),
        "coxswain exec --verb RUN 'make -C /srv/app'": .init(capture: "job"),
        "coxswain exec --verb RUN 'curl -fsO https://example.org/app-{{ version }}.tgz' --wait": .init(
            command: "coxswain exec --verb RUN 'echo curl -fsO https://example.org/app-{{ version }}.tgz' --wait",
            why: "tests reach no address but loopback: the rendered command is echoed"),
        "coxswain exec --verb WORKDIR '--chmod 0750 /srv/{{ version }}'": .init(
            command: "coxswain exec --verb WORKDIR '--chmod 0750 {dir}/srv/{{ version }}' --wait", why: "a directory under the test's own"),
        "coxswain exec --verb WAIT '--retry 10 --retry-wait 1 --url http://127.0.0.1:8080/health' --wait": .init(
            command: "coxswain exec --verb WAIT '--retry 10 --retry-wait 1 --url {gateway}/v1/health' --wait", why: "a URL that answers here"),
        "coxswain exec --verb RUN 'reboot' --target 'web-[12]' --target-label '!canary' --list-nodes": .init(
            command: "coxswain exec --verb RUN 'echo reboot' --target 'web-[12]' --target-label '!canary' --list-nodes",
            why: "--list-nodes submits nothing, but a regression must not reboot the test machine"),
        "coxswain exec --verb RUN 'apt-get -y upgrade' --target-fact 'os=debian' --wait": .init(
            command: "coxswain exec --verb RUN 'echo apt-get -y upgrade' --target-fact 'os=debian' --wait",
            why: "the nodes are this machine: the upgrade is echoed"),
        "coxswain exec --verb RUN 'apt-get -y upgrade' --batch 25% --wait": .init(
            command: "coxswain exec --verb RUN 'echo apt-get -y upgrade' --batch 25% --wait", why: "the nodes are this machine"),
        "coxswain exec --verb COPY '--chmod 0640 conf/*.ini /etc/app/' --wait": .init(
            command: "coxswain exec --verb COPY '--chmod 0640 conf/*.ini {dir}/etc/app/' --wait", why: "a destination under the test's directory"),
        "coxswain exec --verb ADD '--blueprint nginx.conf.j2 /etc/nginx/nginx.conf' --wait": .init(
            command: "coxswain exec --verb ADD '--blueprint nginx.conf.j2 {dir}/etc/nginx/nginx.conf' --wait",
            why: "a destination under the test's directory"),
        "coxswain exec --verb REBOOT 30 --target web-1": .init(
            skip: "reboots the node, which is this machine (JobEngineTests run REBOOT with a harmless reboot_command)"),
        "coxswain orchestrate a.yaml b.yaml --target web-1 --restrict 3f2a9c --ignore-cache --stream": .init(
            command: "coxswain orchestrate a.yaml b.yaml --target web-1 --restrict {fingerprint} --ignore-cache --stream",
            why: "a fingerprint prefix of a.yaml's job (from --finger-print)"),
        "coxswain manage --job-info 3f2a9c1b": .init(command: "coxswain manage --job-info {job8}", why: "a prefix of a real job id"),
        "coxswain manage --analyze-parent 5b0e…": .init(
            command: "coxswain manage --analyze-parent {parent6}", why: "a prefix of the parent id orchestrate printed"),
        "coxswain manage --purge-jobs": .init(last: true),
        "coxswain manage --purge-nodes": .init(last: true),
        "coxswain login --url https://127.0.0.1:28080 --ca-file .run/tls/gateway.crt --user alice": .init(
            command: "coxswain login --url {gateway} --user alice",
            why: "the test Gateway serves plain HTTP on loopback (AccountTests log in over HTTPS with --ca-file)"),
        "coxswain team set-role bob viewer": .init(command: "coxswain team set-role bob viewer --team web-team", why: "bob joined web-team"),
        "coxswain user passwd": .init(last: true),
        "coxswain keys rotate": .init(
            command: "coxswain --socket {socket} keys rotate", why: "owners only: the socket's local operator (alice, logged in above, is an admin)"),
        "coxswain token revoke ci-bot": .init(last: true),
        "coxswain node add web-1 --label role=web": .init(
            command: "coxswain node add web-3 --label role=web", why: "web-1 is enrolled already (the earlier examples target it)"),
        "coxswain node remove web-1": .init(last: true),
        "coxswain bootstrap --catalog inventory.yaml --catalog deployer-install --key-file ~/.ssh/id_ed25519 --accept-new-host-keys --stream": .init(
            skip: "needs SSH hosts to install on (BootstrapTests run the built-in catalogs against a real sshd)"),
        "coxswain bootstrap --catalog inventory.yaml --catalog deployer-upgrade --credential ops --wait": .init(
            skip: "needs SSH hosts running a Deployer (BootstrapTests)"),
        "coxswain bootstrap --catalog inventory.yaml --catalog deployer-rekey-restart --credential ops": .init(
            skip: "needs SSH hosts running a Deployer (BootstrapTests)"),
        "coxswain bootstrap info last": .init(expect: 2, why: "no bootstrap ran on this platform: 'no bootstrap run' is the answer"),
        "coxswain bootstrap get RUN_ID thing.conf --host web-1": .init(skip: "needs a bootstrap run that fetched a file (BootstrapTests)"),
        "coxswain bootstrap credential add ops --key-file ~/.ssh/ops_ed25519": .init(
            command: "coxswain bootstrap credential add ops --key-file ops_ed25519", why: "a key generated for the test"),
        "coxswain bootstrap forget-host 10.0.0.6 --port 22": .init(expect: 2, why: "that host is not known here: the Gateway says so"),
        "coxswain systemd gateway [--user coxswain] [--group coxswain] [--config-file /etc/coxswain/config.yaml] [--output-dir DIR] [--force]": .init(
            command: "coxswain systemd gateway --user root --group root --config-file /etc/coxswain/config.yaml --output-dir units --force",
            why: "units written under the test's directory"),
        "coxswain --generate-completion-script bash > /etc/bash_completion.d/coxswain": .init(
            command: "coxswain --generate-completion-script bash > coxswain.bash", why: "written under the test's directory"),
        "coxswain --generate-completion-script zsh > \"${fpath[1]}/_coxswain\"": .init(
            command: "coxswain --generate-completion-script zsh > _coxswain", why: "written under the test's directory"),
        "coxswain --generate-completion-script fish > ~/.config/fish/completions/coxswain.fish": .init(
            command: "coxswain --generate-completion-script fish > coxswain.fish", why: "written under the test's directory"),
        "coxswain notification add https://hooks.slack.com/services/… --format slack --event job.failed --event 'node.*'": .init(
            skip: "posts to a webhook on the internet (NotificationTests deliver to a local receiver)"),
        "coxswain notification test ID": .init(skip: "needs a webhook that answers (NotificationTests)"),
        // Containers: `container run` creates demo-web on node-a first; the examples name it.
        "coxswain container run demo/httpd:1 --registry local --prefix demo --name web -p 127.0.0.1:25580:8080 --node node-a": .init(
            before: "coxswain container list [--node node-a] [--prefix web] [--all]"),
        "coxswain registry add local --kind v2 --server 127.0.0.1:25500 --plain-http --username coxswain --password-stdin < pw.txt": .init(
            before: "coxswain container run demo/httpd:1 --registry local --prefix demo --name web -p 127.0.0.1:25580:8080 --node node-a"),
        "coxswain container inspect web-app --node node-a": .init(
            command: "coxswain container inspect demo-web --node node-a", why: "the container `container run` made"),
        "coxswain container logs web-app --node node-a --tail 50 --since 10m": .init(
            command: "coxswain container logs demo-web --node node-a --tail 50 --since 10m", why: "the container `container run` made"),
        "coxswain container logs web-app --follow": .init(
            command: "coxswain container logs demo-web --follow --timeout 3s", expect: 1,
            why: "following ends only when the container stops: bounded by --timeout, which reports the task timed out"),
        "coxswain container start|restart web-app --node node-a": .init(
            command: "coxswain container restart demo-web --node node-a", why: "the container `container run` made"),
        "coxswain container stop web-app --time 5 --node node-a": .init(
            command: "coxswain container stop demo-web --time 5 --node node-a", why: "the container `container run` made"),
        "coxswain container remove web-app --force --node node-a": .init(
            command: "coxswain container remove demo-web --force --node node-a", why: "the container `container run` made"),
        "coxswain image remove REF [--force]": .init(
            command: "coxswain image remove {registry}/demo/httpd:2 --node node-b", why: "the image `image pull` fetched"),
        "coxswain exec --verb CONTAINER_IMAGE '--pull 127.0.0.1:25500/demo/httpd:1' --stream --secret-env COXSWAIN_REGISTRY_AUTH": .init(
            command: "coxswain exec --verb CONTAINER_IMAGE '--pull {registry}/demo/httpd:1' --stream --secret-env COXSWAIN_REGISTRY_AUTH --target node-a",
            why: "the node with an engine"),
        "coxswain registry update local --password-stdin | --clear-credentials | --rename lab | --server ''": .init(
            command: "coxswain registry update local --password-stdin < pw.txt", why: "the first of the alternatives the line lists"),
        "coxswain registry remove local": .init(last: true),
        "coxswain version image add shop 1.0 --registry local --image demo/httpd --tag 1 --name web -p 25580:8080 -e MODE=prod -v data:/data --restart on-failure:3 --health-cmd 'wget -qO- localhost:8080' --secret DB_PASSWORD":
            .init(
                command:
                    "coxswain version image add shop 1.0 --registry local --image demo/httpd --tag 1 --name web -p {port}:8080 -e MODE=prod -v data:/data --restart on-failure:3 --health-cmd 'wget -qO- localhost:8080' --secret DB_PASSWORD",
                why: "a free port"),
        "coxswain version remove shop 0.9": .init(expect: 2, why: "there is no version 0.9: the Gateway says so"),
        "coxswain deployment create shop --node node-a --prefix shop --version 1.0 --secrets-file shop.env [--config-file deployment.yaml] [--instance-config web=web.yaml] [--protected] [--note …]":
            .init(capture: "deployment"),
        "coxswain deployment rollback 91c0 --wait": .init(
            command: "coxswain deployment rollback {deployment8} --wait", expect: 2, why: "only an obsolete deployment rolls back; this one is current"),
        "coxswain deployment remove 3f2a": .init(last: true),
        // A successful deployment of an incremental version is frozen: the examples that edit or
        // redeploy one, and deploy tokens, use a rolling version's deployment (made here).
        "coxswain deployment deploy 3f2a --wait --instance web [--override-protection]": .init(
            command: "coxswain deployment deploy {rolling8} --wait --instance web",
            why: "a rolling version's deployment (a successful incremental one is frozen)",
            setup:
                "coxswain version create shop edge --kind rolling && coxswain version image update shop edge web -p {port2}:8080 && coxswain deployment create shop --node node-b --prefix edge --version edge --secrets-file shop.env",
            setupCapture: "rolling"),
        "coxswain deployment update 3f2a --note 'canary' --no-protected": .init(
            command: "coxswain deployment update {rolling8} --note 'canary' --no-protected", why: "a successful incremental deployment is frozen"),
        "coxswain deployment token create 3f2a ci [--expires-in 30d]": .init(
            command: "coxswain deployment token create {rolling8} ci --expires-in 30d", why: "deploy tokens are for rolling versions"),
        "coxswain deployment token list 3f2a": .init(command: "coxswain deployment token list {rolling8}", why: "deploy tokens are for rolling versions"),
        "coxswain deployment token revoke 3f2a ci": .init(
            command: "coxswain deployment token revoke {rolling8} ci", why: "deploy tokens are for rolling versions", last: true),
        "coxswain --url https://gw:28080 deployment deploy 3f2a9c01-… --token cxd_… --wait": .init(
            command: "coxswain --url {gateway} deployment deploy {rolling} --token {deployToken} --wait", why: "the rolling deployment its token names"),
        "coxswain product import-compose shop examples/docker-compose.yml --version 1.0 [--registry local] [--dry-run]": .init(
            command: "coxswain product import-compose composed examples/docker-compose.yml --version 1.0",
            why: "a new product: shop's version 1.0 is frozen by then"),
        "coxswain user show bob": .init(command: "coxswain user show bob --team web-team", why: "bob is a member of web-team only"),
        "coxswain user passwd bob": .init(command: "coxswain user passwd bob --team web-team", why: "bob is a member of web-team only"),
        "coxswain user disable bob": .init(command: "coxswain user disable bob --team web-team", why: "bob is a member of web-team only"),
        "coxswain user enable bob": .init(command: "coxswain user enable bob --team web-team", why: "bob is a member of web-team only"),
        "coxswain user remove bob": .init(command: "coxswain user remove bob --team web-team", why: "bob is a member of web-team only"),
    ]

    @Test(
        "README: every example of \"The CLI by example\" runs against a real platform or says why not",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(15)))
    func readmeExamples() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let examples = ReadmeExamples(readme: try String(contentsOfFile: root + "/README.md", encoding: .utf8)).examples
        #expect(examples.count > 100, "README parsing found only \(examples.count) examples")
        for key in Self.readmeRules.keys where !examples.contains(key) {
            Issue.record("a README rule names an example the README no longer has: \(key)")
        }
        // The order: README order, `before` rules moved ahead of their example, `last` ones at the end.
        var ordered = examples.filter { Self.readmeRules[$0]?.before == nil && Self.readmeRules[$0]?.last != true }
        for (example, rule) in Self.readmeRules.sorted(by: { $0.key < $1.key }) {
            guard let anchor = rule.before, examples.contains(example) else { continue }
            ordered.insert(example, at: ordered.firstIndex(of: anchor) ?? ordered.endIndex)
        }
        ordered += examples.filter { Self.readmeRules[$0]?.last == true }
        // Keep the README's own order among several `before` moved to one place.
        #expect(Set(ordered) == Set(examples))

        let registry = Self.localRegistry
        try await TestPlatform.with(nodes: []) { p in
            let engine = ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"]
            for (node, labels) in [("node-a", []), ("node-b", []), ("web-1", ["role=web", "dc=eu1"]), ("db-1", ["role=db"]), ("db-2", ["role=db"])] {
                let added = try await p.cli(["node", "add", node, "--output", "json"] + labels.flatMap { ["--label", $0] })
                let object = try decodeJSON(added.stdout)
                let token = try #require(object["enrolmentToken"] as? String, "\(added)")
                try p.startDeployer(
                    node, extraArguments: ["--gateway-url", "unix://" + p.socketPath] + engine, extraEnvironment: ["COXSWAIN_DEPLOYER_ENROL_TOKEN": token])
            }
            try await p.waitForOnline(["node-a", "node-b", "web-1", "db-1", "db-2"])
            let work = p.directory + "/readme"
            try Self.writeReadmeFixtures(work, root: root, registry: registry.url ?? "", registryPassword: registry.password ?? "")
            // A fact the --target-fact example selects on, and a fingerprint for --restrict.
            _ = try await p.cli(["exec", "--verb", "ARG", "os debian", "--wait"])
            let keygen = try await runCommand("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", work + "/ops_ed25519"])
            #expect(keygen.status == 0, "\(keygen)")
            let prints = try await p.cli(["orchestrate", work + "/a.yaml", "--finger-print"])
            var values: [String: String] = [
                "gateway": "http://127.0.0.1:\(p.httpPort)", "registry": registry.url ?? "", "port": "\(TestPlatform.freePort())", "dir": work,
                "port2": "\(TestPlatform.freePort())",
                "socket": p.socketPath,
                "fingerprint": try #require(prints.stdout.firstMatch(of: /[0-9a-f]{12,}/).map { String($0.output.prefix(6)) }, "\(prints)"),
            ]
            // The socket until `login` saves a session (then the examples act as alice, as the README's do).
            var environment = p.childEnvironment
            environment["COXSWAIN_SOCKET"] = nil
            environment.merge([
                "PATH": p.env.binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "COXSWAIN_PASSWORD": "readme-password-1", "COXSWAIN_NEW_PASSWORD": "readme-password-2",
                "COXSWAIN_REGISTRY_AUTH": "\(registry.username ?? ""):\(registry.password ?? "")", "COXSWAIN_PROGRESS_SECONDS": "3600",
                "COXSWAIN_DEFAULT_SOCKET": p.socketPath, "COXSWAIN_CONFIG_DIR": work + "/cli-config",
            ]) { $1 }
            var report: [String] = []
            var ran = 0
            for example in ordered {
                let rule = Self.readmeRules[example] ?? ReadmeExampleRule()
                if let reason = rule.skip {
                    report.append("SKIP  \(example)\n      \(reason)")
                    continue
                }
                if let setup = rule.setup {
                    var text = setup
                    for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
                    let prepared = try await runCommand("/bin/sh", ["-c", "cd '\(work)' && \(text)"], environment: environment, timeout: .seconds(120))
                    if prepared.status != 0 { Issue.record("setup for \(example) failed: \(text)\n\(prepared)") }
                    Self.capture(prepared.stdout, name: rule.setupCapture, into: &values)
                }
                var command = Self.readmeCommand(rule.command ?? example)
                for (name, value) in values { command = command.replacingOccurrences(of: "{\(name)}", with: value) }
                if let missing = command.firstMatch(of: /\{[a-z0-9]+\}/) {
                    Issue.record("\(example): no value for \(missing.output) (an earlier example did not print it)")
                    continue
                }
                let result = try await runCommand(
                    "/bin/sh", ["-c", "cd '\(work)' && \(command)\(rule.stdin.map { " < \($0)" } ?? "")"],
                    environment: environment,
                    timeout: .seconds(120))
                ran += 1
                report.append("RUN   \(example)" + (rule.command != nil ? "\n   as \(command)" : "") + "\n      exit \(result.status)")
                if result.status != rule.expect {
                    Issue.record("README example exited \(result.status), expected \(rule.expect)\(rule.why.map { " (\($0))" } ?? ""): \(command)\n\(result)")
                }
                Self.capture(result.stdout, name: rule.capture, into: &values)
            }
            try report.joined(separator: "\n").write(toFile: work + "/report.txt", atomically: true, encoding: .utf8)
            let skipped = ordered.count - ran
            #expect(ran > 120, "only \(ran) of \(ordered.count) README examples ran (\(skipped) skipped); see \(work)/report.txt")
        }
    }

    /// The README's text as a command for `sh` here: optional groups dropped, the README's
    /// addresses and placeholders (`cxt_…`, `3f2a`) as `{name}` values the test fills.
    static func readmeCommand(_ text: String) -> String {
        var command = ReadmeExamples.droppingOptionalGroups(text)
        let replacements = [
            ("https://127.0.0.1:28080", "{gateway}"), ("https://gw:28080", "{gateway}"), ("http://gw:28080", "{gateway}"),
            ("127.0.0.1:25500", "{registry}"), ("127.0.0.1:25580", "127.0.0.1:{port}"), ("cxt_…", "{token}"), ("cxi_…", "{invite}"),
            ("cxd_…", "{deployToken}"), ("3f2a9c01-…", "{deployment}"),
        ]
        for (from, to) in replacements { command = command.replacingOccurrences(of: from, with: to) }
        return command.split(separator: " ", omittingEmptySubsequences: false).map { $0 == "3f2a" ? "{deployment8}" : String($0) }.joined(separator: " ")
    }

    /// Values later examples use: tokens and ids an example printed.
    static func capture(_ output: String, name: String?, into values: inout [String: String]) {
        for (name, pattern) in [("token", /cxt_[A-Za-z0-9_\-]+/), ("invite", /cxi_[A-Za-z0-9_\-]+/), ("deployToken", /cxd_[A-Za-z0-9_\-]+/)] {
            if let m = output.firstMatch(of: pattern) { values[name] = String(m.output) }
        }
        if let m = output.firstMatch(of: /parent ([0-9a-f\-]{36})/) {
            values["parent"] = String(m.output.1)
            values["parent6"] = String(m.output.1.prefix(6))
        }
        if let name, let m = output.matches(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/).last {
            values[name] = String(m.output)
            values[name + "8"] = String(m.output.prefix(8))
        }
    }

    /// The files the examples name (`site.yaml`, `conf/*.ini`, `pw.txt`, …), in `directory`.
    static func writeReadmeFixtures(_ directory: String, root: String, registry: String, registryPassword: String) throws {
        let fm = FileManager.default
        for sub in ["conf", "examples", "srv", "etc"] { try fm.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true) }
        let files: [String: String] = [
            "site.yaml": """
            - name: checks
              jobs:
              - RUN: echo site {{ version }}
              - ECHO: done
            """,
            "a.yaml": """
            - jobs:
              - RUN: echo block a
            """,
            "b.yaml": """
            - jobs:
              - RUN: echo block b
            """,
            "conf/app.ini": "[app]\nmode = prod\n",
            "nginx.conf.j2": "# nginx for version {{ version }}\n",
            "pw.txt": registryPassword,
            "shop.env": "DB_PASSWORD=readme-secret\n",
            "inventory.yaml": """
            coxswain_server:
              targets:
              - host: 127.0.0.1
                port: 22
                username: root
            coxswain_clients:
              targets:
              - host: 127.0.0.2
                username: root
            """,
            "site-bootstrap.yaml": """
            coxswain_clients:
              jobs:
              - RUN: echo bootstrapped
            """,
        ]
        for (name, text) in files { try (text + "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        // The example files, with the test registry's address; the product file makes `webshop`
        // (the examples before it made `shop`, whose version 1.0 is frozen by then).
        for name in ["shop.yaml", "docker-compose.yml"] {
            var text = try String(contentsOfFile: root + "/examples/" + name, encoding: .utf8).replacingOccurrences(of: "127.0.0.1:25500", with: registry)
            if name == "shop.yaml" { text = text.replacingOccurrences(of: "\nname: shop\n", with: "\nname: webshop\n") }
            try text.write(toFile: directory + "/examples/" + name, atomically: true, encoding: .utf8)
        }
        for name in ["ops_ed25519", "ops_ed25519.pub"] { try? fm.removeItem(atPath: directory + "/" + name) }
    }
}
