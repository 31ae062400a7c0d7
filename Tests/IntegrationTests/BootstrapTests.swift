import Foundation
import Testing

/// Two "hosts" for bootstrap tests: real OpenSSH servers on loopback (scripts/sshd.sh), each
/// with its own host keys, one SSH user and one client key authorised on both.
struct SSHHosts {
    static let user = "cxboot"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let root: String
    let ports: [Int]
    let script: String

    static func start(count: Int, repository: String) async throws -> SSHHosts {
        let root = "/tmp/cxboot-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let script = repository + "/scripts/sshd.sh"
        var ports: [Int] = []
        for i in 0..<count {
            let port = TestPlatform.freePort()
            let r = try await runCommand(script, ["start", "\(root)/sshd\(i)", String(port), user])
            guard r.status == 0 else { throw HarnessError("sshd \(i) did not start: \(r)") }
            ports.append(port)
            // The hosts' install directories belong to the SSH user.
            try FileManager.default.createDirectory(atPath: "\(root)/host\(i)", withIntermediateDirectories: true)
            _ = try await runCommand("/bin/chown", ["\(user):", "\(root)/host\(i)"])
        }
        // One client key for every host.
        let key = try String(contentsOfFile: "\(root)/sshd0/id_ed25519.pub", encoding: .utf8)
        for i in 1..<count {
            let file = "\(root)/sshd\(i)/authorized_keys/\(user)"
            try (try String(contentsOfFile: file, encoding: .utf8) + key).write(toFile: file, atomically: true, encoding: .utf8)
        }
        return SSHHosts(root: root, ports: ports, script: script)
    }

    var keyFile: String { "\(root)/sshd0/id_ed25519" }
    func installDirectory(_ i: Int) -> String { "\(root)/host\(i)" }

    /// Replaces host `i`'s host keys (a re-installed machine, or a man in the middle).
    func rekeyHost(_ i: Int) async throws {
        _ = try await runCommand(script, ["stop", "\(root)/sshd\(i)"])
        for name in ["ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key"] {
            try? FileManager.default.removeItem(atPath: "\(root)/sshd\(i)/\(name)")
            try? FileManager.default.removeItem(atPath: "\(root)/sshd\(i)/\(name).pub")
        }
        let r = try await runCommand(script, ["start", "\(root)/sshd\(i)", String(ports[i]), Self.user])
        guard r.status == 0 else { throw HarnessError("sshd \(i) did not restart: \(r)") }
    }

    /// Stops the agents the install catalog started (by their supervisors' process groups) and the sshds.
    func stop() async {
        for i in ports.indices {
            if let pid = try? String(contentsOfFile: installDirectory(i) + "/supervisor.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                let group = Int32(pid)
            {
                kill(-group, SIGTERM)
            }
            _ = try? await runCommand(script, ["stop", "\(root)/sshd\(i)"])
        }
        try? await Task.sleep(for: .milliseconds(500))
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// `coxswain bootstrap` end to end: real sshd "hosts" on loopback, the real Bootstrapper, the
/// built-in install and rekey catalogs bringing real Deployers online.
extension PlatformTests {
    @Test(
        "bootstrap: bad catalogs refused before SSH, host keys (unknown, TOFU, changed), templates, GET, failures per host, install and re-key Deployers",
        .timeLimit(.minutes(6)))
    func bootstrap() async throws {
        try await TestPlatform.with(nodes: [], audit: true) { p in
            try p.startBootstrapper()
            let hosts = try await SSHHosts.start(count: 2, repository: SSHHosts.repository)
            defer { Task { await hosts.stop() } }
            let dir = p.directory
            let inventory = dir + "/inventory.yaml"
            try """
            deployer:
              gateway_url: http://127.0.0.1:\(p.httpPort)
            coxswain_clients:
              args:
                username: \(SSHHosts.user)
              targets:
              - host: 127.0.0.1
                port: \(hosts.ports[0])
                name: boot-a
                install_dir: \(hosts.installDirectory(0))
              - host: 127.0.0.1
                port: \(hosts.ports[1])
                name: boot-b
                install_dir: \(hosts.installDirectory(1))
            """.write(toFile: inventory, atomically: true, encoding: .utf8)
            func bootstrap(_ catalogs: [String], _ extra: [String] = []) async throws -> CommandResult {
                try await p.cli(["bootstrap"] + catalogs.flatMap { ["--catalog", $0] } + ["--key-file", hosts.keyFile] + extra, timeout: .seconds(180))
            }

            // Bad catalogs fail before any SSH connection, naming file and place.
            let broken = dir + "/broken.yaml"
            try "coxswain_clients:\n  jobs:\n  - RUN: [unclosed\n".write(toFile: broken, atomically: true, encoding: .utf8)
            let yamlError = try await bootstrap([inventory, broken])
            #expect(yamlError.status == 2 && yamlError.stderr.contains("broken.yaml:") && yamlError.stderr.contains("line 3"), "\(yamlError)")
            let undefined = dir + "/undefined.yaml"
            try "coxswain_clients:\n  jobs:\n  - RUN: echo ok\n  - RUN: echo {{ nope.value }}\n".write(toFile: undefined, atomically: true, encoding: .utf8)
            let undefinedError = try await bootstrap([inventory, undefined])
            #expect(
                undefinedError.status == 2 && undefinedError.stderr.contains("undefined.yaml:4") && undefinedError.stderr.contains("nope"), "\(undefinedError)")
            let verb = dir + "/verb.yaml"
            try "coxswain_clients:\n  jobs:\n  - FROB: x\n".write(toFile: verb, atomically: true, encoding: .utf8)
            let verbError = try await bootstrap([inventory, verb])
            #expect(verbError.status == 2 && verbError.stderr.contains("verb.yaml:3") && verbError.stderr.contains("FROB"), "\(verbError)")
            let noTargets = dir + "/notargets.yaml"
            try "coxswain_clients:\n  jobs:\n  - RUN: true\n".write(toFile: noTargets, atomically: true, encoding: .utf8)
            let targetsError = try await bootstrap([noTargets])
            #expect(targetsError.status == 2 && targetsError.stderr.contains("notargets.yaml"), "\(targetsError)")
            #expect(try await p.sql("SELECT count(*) FROM bootstrap_runs") == "0")

            // An unknown host key is refused without --accept-new-host-keys.
            let probe = dir + "/probe.yaml"
            try "coxswain_clients:\n  jobs:\n  - RUN: echo reached {{ coxswain_bootstrap.name }}\n".write(toFile: probe, atomically: true, encoding: .utf8)
            let refused = try await bootstrap([inventory, probe], ["--wait"])
            #expect(refused.status == 1 && refused.stdout.contains("unknown host key"), "\(refused)")
            #expect(try await p.sql("SELECT count(*) FROM known_hosts") == "0")

            // Templates see the merged catalog and coxswain_bootstrap; GET brings a file back; a
            // failing RUN stops only its host. New host keys are trusted on first use.
            let work = dir + "/work.yaml"
            try """
            greeting: hello
            coxswain_clients:
              jobs:
              - RUN: echo "{{ greeting }} from {{ coxswain_bootstrap.name }} on port {{ coxswain_bootstrap.port }}, first {{ coxswain_clients.targets[0].name }}" > {{ coxswain_bootstrap.install_dir }}/hello.txt
              - ADD: --chmod 0640 files/payload.txt {{ coxswain_bootstrap.install_dir }}/payload.txt
              - GET: "{{ coxswain_bootstrap.install_dir }}/hello.txt hello-{{ coxswain_bootstrap.name }}.txt"
              - RUN: test {{ coxswain_bootstrap.name }} != boot-b
              - RUN: cat {{ coxswain_bootstrap.install_dir }}/hello.txt > {{ coxswain_bootstrap.install_dir }}/after.txt
            """.write(toFile: work, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: dir + "/files", withIntermediateDirectories: true)
            try "payload\n".write(toFile: dir + "/files/payload.txt", atomically: true, encoding: .utf8)
            let mixed = try await bootstrap([inventory, work], ["--accept-new-host-keys", "--stream"])
            #expect(mixed.status == 1, "\(mixed)")
            #expect(mixed.stdout.contains("boot-a: succeeded") && mixed.stdout.contains("boot-b: failed"), "\(mixed.stdout)")
            let hello = "hello from boot-a on port \(hosts.ports[0]), first boot-a\n"
            #expect((try? String(contentsOfFile: hosts.installDirectory(0) + "/after.txt", encoding: .utf8)) == hello)
            #expect(!FileManager.default.fileExists(atPath: hosts.installDirectory(1) + "/after.txt"), "boot-b went on after its failure")
            #expect((try? String(contentsOfFile: hosts.installDirectory(1) + "/payload.txt", encoding: .utf8)) == "payload\n")
            let mode = (try FileManager.default.attributesOfItem(atPath: hosts.installDirectory(1) + "/payload.txt")[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o640)
            #expect(try await p.sql("SELECT count(*) FROM known_hosts") == "2")
            let run = try await p.sql("SELECT id FROM bootstrap_runs ORDER BY created_at DESC LIMIT 1")
            let fetched = dir + "/fetched.txt"
            let get = try await p.cli(["bootstrap", "get", run, "hello-boot-a.txt", "--output-file", fetched])
            #expect(get.status == 0 && (try? String(contentsOfFile: fetched, encoding: .utf8)) == hello, "\(get)")
            let info = try await p.cli(["bootstrap", "info", run])
            #expect(info.stdout.contains("boot-b") && info.stdout.contains("failed") && info.stdout.contains("skipped"), "\(info)")

            // A Directord catalog, unmodified: its key names and its directord_bootstrap variable.
            let directord = dir + "/directord.yaml"
            try """
            directord_clients:
              args:
                port: \(hosts.ports[0])
                username: \(SSHHosts.user)
              targets:
              - host: 127.0.0.1
              jobs:
              - RUN: echo "{{ directord_bootstrap.host }}:{{ directord_bootstrap.port }}" > \(hosts.installDirectory(0))/directord.txt
            """.write(toFile: directord, atomically: true, encoding: .utf8)
            let d = try await bootstrap([directord], ["--wait"])
            #expect(d.status == 0, "\(d)")
            #expect((try? String(contentsOfFile: hosts.installDirectory(0) + "/directord.txt", encoding: .utf8)) == "127.0.0.1:\(hosts.ports[0])\n")

            // The built-in install catalog: both Deployers installed in parallel, enrolled, online.
            let install = try await bootstrap([inventory, "deployer-install"], ["--wait"])
            #expect(install.status == 0, "\(install)\n\(p.log("bootstrapper"))")
            try await p.waitForOnline(["boot-a", "boot-b"])
            let listed = try await p.cli(["manage", "--list-nodes"])
            #expect(listed.stdout.contains("boot-a") && listed.stdout.contains("boot-b"), "\(listed)")
            let ran = try await p.cli([
                "exec", "--verb", "RUN", "echo installed on $(hostname)", "--target", "boot-a", "--target", "boot-b", "--wait", "--check",
            ])
            #expect(ran.status == 0, "\(ran)")

            // Upgrade, node by node: the binary replaced, the agents restarted and back online.
            let upgrade = try await bootstrap([inventory, "deployer-upgrade"], ["--wait"])
            #expect(upgrade.status == 0 && upgrade.stdout.contains("2/2 hosts succeeded"), "\(upgrade)")
            try await p.waitForOnline(["boot-a", "boot-b"])

            // Offline re-key over SSH: new keys, enrolled again, back online, still working.
            let before = try await p.sql("SELECT signing_public_key FROM nodes WHERE name = 'boot-a'")
            let rekey = try await bootstrap([inventory, "deployer-rekey-restart"], ["--wait"])
            #expect(rekey.status == 0, "\(rekey)")
            let after = try await p.sql("SELECT signing_public_key FROM nodes WHERE name = 'boot-a'")
            #expect(!after.isEmpty && after != before, "the node's key did not change")
            try await p.waitForOnline(["boot-a", "boot-b"])
            let again = try await p.cli(["exec", "--verb", "RUN", "true", "--target", "boot-a", "--wait", "--check"])
            #expect(again.status == 0, "\(again)")

            // A stored SSH credential instead of --key-file.
            let stored = try await p.cli(["bootstrap", "credential", "add", "ops", "--key-file", hosts.keyFile])
            #expect(stored.status == 0, "\(stored)")
            let viaCredential = try await p.cli(
                ["bootstrap", "--catalog", inventory, "--catalog", probe, "--credential", "ops", "--wait"], timeout: .seconds(60))
            #expect(viaCredential.status == 0 && viaCredential.stdout.contains("2/2 hosts succeeded"), "\(viaCredential)")
            // The key is never logged, never kept in a finished run, never in the audit log.
            let key = try String(contentsOfFile: hosts.keyFile, encoding: .utf8)
            let secretLine = String(key.split(separator: "\n")[1])
            for service in ["gateway", "bootstrapper", "audit"] { #expect(!p.log(service, lines: 100_000).contains(secretLine), "\(service) logged the key") }
            #expect(try await p.sql("SELECT count(*) FROM bootstrap_runs WHERE sealed_key IS NOT NULL") == "0")
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE payload::text LIKE '%\(secretLine.prefix(30))%'") == "0")

            // A changed host key is refused, even with --accept-new-host-keys.
            try await hosts.rekeyHost(0)
            let changed = try await bootstrap([inventory, probe], ["--accept-new-host-keys", "--wait"])
            #expect(changed.status == 1 && changed.stdout.contains("CHANGED"), "\(changed)")
            #expect(try await p.sql("SELECT count(*) FROM bootstrap_hosts WHERE status = 'failed' AND error LIKE '%CHANGED%' AND name = 'boot-a'") == "1")

            // Every run is audited.
            let audited = try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'bootstrap.submit'")
            #expect(Int(audited) ?? 0 >= 5, "bootstrap submissions audited: \(audited)")

            await hosts.stop()
        }
    }
}

/// "Hosts" in network namespaces the test makes: each its own network stack, reached over a
/// veth pair (10.231.N.1 here, 10.231.N.2 there), with its own sshd.
struct NamespaceHosts {
    let tag: String
    let hosts: SSHHosts
    let count: Int

    static func start(count: Int) async throws -> NamespaceHosts {
        let tag = String(UUID().uuidString.lowercased().prefix(4))
        let root = "/tmp/cxboot-ns-\(tag)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let script = SSHHosts.repository + "/scripts/sshd.sh"
        for i in 0..<count {
            let ns = "cxb\(tag)\(i)"
            for command in [
                ["netns", "add", ns], ["link", "add", "\(ns)v", "type", "veth", "peer", "name", "\(ns)p"], ["link", "set", "\(ns)p", "netns", ns],
                ["addr", "add", "10.231.\(i).1/24", "dev", "\(ns)v"], ["link", "set", "\(ns)v", "up"],
                ["-n", ns, "addr", "add", "10.231.\(i).2/24", "dev", "\(ns)p"], ["-n", ns, "link", "set", "\(ns)p", "up"],
                ["-n", ns, "link", "set", "lo", "up"],
            ] {
                let r = try await runCommand("/usr/sbin/ip", command)
                guard r.status == 0 else { throw HarnessError("ip \(command.joined(separator: " ")) failed: \(r)") }
            }
            let r = try await runCommand("/usr/sbin/ip", ["netns", "exec", ns, script, "start", "\(root)/sshd\(i)", "2222", SSHHosts.user, "10.231.\(i).2"])
            guard r.status == 0 else { throw HarnessError("sshd in \(ns) did not start: \(r)") }
        }
        let key = try String(contentsOfFile: "\(root)/sshd0/id_ed25519.pub", encoding: .utf8)
        for i in 1..<count {
            let file = "\(root)/sshd\(i)/authorized_keys/\(SSHHosts.user)"
            try (try String(contentsOfFile: file, encoding: .utf8) + key).write(toFile: file, atomically: true, encoding: .utf8)
        }
        return NamespaceHosts(tag: tag, hosts: SSHHosts(root: root, ports: Array(repeating: 2222, count: count), script: script), count: count)
    }

    func stop() async {
        for i in 0..<count {
            _ = try? await runCommand(hosts.script, ["stop", "\(hosts.root)/sshd\(i)"])
            _ = try? await runCommand("/usr/sbin/ip", ["netns", "del", "cxb\(tag)\(i)"])
        }
        try? FileManager.default.removeItem(atPath: hosts.root)
    }
}

extension PlatformTests {
    @Test("bootstrap: hosts in network namespaces, in parallel, each seen on its own network", .timeLimit(.minutes(3)))
    func bootstrapNamespaces() async throws {
        try await TestPlatform.with(nodes: [], audit: false) { p in
            try p.startBootstrapper()
            let ns = try await NamespaceHosts.start(count: 2)
            do {
                let catalog = p.directory + "/ns.yaml"
                try """
                coxswain_clients:
                  args:
                    username: \(SSHHosts.user)
                    port: 2222
                  targets:
                  - host: 10.231.0.2
                    name: ns-0
                  - host: 10.231.1.2
                    name: ns-1
                  jobs:
                  - RUN: ip -4 -o addr show | grep -q ' {{ coxswain_bootstrap.host }}/' && echo "{{ coxswain_bootstrap.name }} is {{ coxswain_bootstrap.host }}"
                """.write(toFile: catalog, atomically: true, encoding: .utf8)
                let r = try await p.cli(
                    ["bootstrap", "--catalog", catalog, "--key-file", ns.hosts.keyFile, "--accept-new-host-keys", "--threads", "2", "--stream"],
                    timeout: .seconds(60)
                )
                #expect(r.status == 0, "\(r)\n\(p.log("bootstrapper"))")
                #expect(r.stdout.contains("ns-0 | ns-0 is 10.231.0.2") && r.stdout.contains("ns-1 | ns-1 is 10.231.1.2"), "\(r.stdout)")
                #expect(try await p.sql("SELECT count(*) FROM known_hosts WHERE host LIKE '10.231.%' AND port = 2222") == "2")
            } catch {
                await ns.stop()
                throw error
            }
            await ns.stop()
        }
    }
}

extension PlatformTests {
    @Test("bootstrap: a Bootstrapper killed mid-run loses nothing; another resumes the run once its lease expired", .timeLimit(.minutes(3)))
    func bootstrapCrash() async throws {
        try await TestPlatform.with(nodes: [], audit: false) { p in
            try p.startBootstrapper("bootstrapper-1", settings: ["bootstrapper.lease=3s"])
            let hosts = try await SSHHosts.start(count: 2, repository: SSHHosts.repository)
            do {
                let catalog = p.directory + "/slow.yaml"
                try """
                coxswain_clients:
                  args:
                    username: \(SSHHosts.user)
                  targets:
                  - host: 127.0.0.1
                    port: \(hosts.ports[0])
                    name: slow-a
                    dir: \(hosts.installDirectory(0))
                  - host: 127.0.0.1
                    port: \(hosts.ports[1])
                    name: slow-b
                    dir: \(hosts.installDirectory(1))
                  jobs:
                  - RUN: echo started >> {{ coxswain_bootstrap.dir }}/attempts; sleep 3
                  - RUN: echo done > {{ coxswain_bootstrap.dir }}/done
                """.write(toFile: catalog, atomically: true, encoding: .utf8)
                let submitted = try await p.cli(["bootstrap", "--catalog", catalog, "--key-file", hosts.keyFile, "--accept-new-host-keys"])
                #expect(submitted.status == 0, "\(submitted)")
                let run = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                // Kill it while the hosts are in their first step.
                try await eventually("the run started on the hosts", timeout: .seconds(30)) {
                    FileManager.default.fileExists(atPath: hosts.installDirectory(0) + "/attempts")
                }
                await p.stop("bootstrapper-1", signal: SIGKILL)
                #expect(try await p.sql("SELECT status FROM bootstrap_runs WHERE id = '\(run)'") == "running")
                try p.startBootstrapper("bootstrapper-2", settings: ["bootstrapper.lease=3s"])
                try await eventually("the run finished after the crash", timeout: .seconds(60)) {
                    try await p.sql("SELECT status FROM bootstrap_runs WHERE id = '\(run)'") == "succeeded"
                }
                for i in 0..<2 {
                    #expect((try? String(contentsOfFile: hosts.installDirectory(i) + "/done", encoding: .utf8)) == "done\n")
                }
                // The resumed run started the unfinished hosts again from their first step.
                let attempts = (try? String(contentsOfFile: hosts.installDirectory(0) + "/attempts", encoding: .utf8)) ?? ""
                #expect(attempts.split(separator: "\n").count == 2, "attempts on slow-a: \(attempts)")
                #expect(try await p.sql("SELECT count(*) FROM bootstrap_hosts WHERE run_id = '\(run)' AND status = 'succeeded'") == "2")
            } catch {
                await hosts.stop()
                throw error
            }
            await hosts.stop()
        }
    }
}
