import CoxswainOrchestration
import Testing

/// Directord's own orchestration files (see `Fixtures/directord/README.md`) parse unchanged.
@Suite("Directord's orchestrations")
struct DirectordFixtureTests {
    private func jobs(_ name: String) throws -> [ParsedJob] {
        try OrchestrationParser.parse(fileAt: fixturePath("directord/\(name)")).flatMap(\.jobs)
    }

    @Test(
        "parse without error",
        arguments: [
            "functional-tests.yaml", "functional-tests-async.yaml", "functional-tests-query.yaml", "openstack-keystone.yaml", "rabbitmq.yaml",
            "ghost-blog.yaml", "sonarr-radarr-nzbget.yml",
        ])
    func parses(name: String) throws {
        let blocks = try OrchestrationParser.parse(fileAt: fixturePath("directord/\(name)"))
        #expect(!blocks.isEmpty)
        #expect(blocks.allSatisfy { !$0.jobs.isEmpty })
    }

    @Test("functional-tests: vars, copies with --chown=U:G, cache verbs")
    func functionalTests() throws {
        let jobs = try jobs("functional-tests.yaml")
        #expect(jobs.count == 35)
        #expect(jobs[4].call == .run(command: "echo hello world 3", noBlock: false))
        #expect(jobs[4].options.stdoutArg == "test_stdout_arg2")
        guard case .copy(let sources, "/tmp/test/test-cache.yaml-once-0-0", "0:0", nil, false) = jobs[18].call else {
            Issue.record("unexpected \(jobs[18].call)")
            return
        }
        #expect(sources.map(\.pattern) == ["files/test-cache.yaml"])
        #expect(sources[0].path.hasSuffix("/Fixtures/directord/files/test-cache.yaml"))
        #expect(jobs[18].options.runOnce)
        #expect(jobs[33].call == .cacheevict("all"))
        #expect(jobs[34].call == .echo("test") && jobs[34].options.skipCache)
        #expect(jobs[34].source.line == 85)
    }

    @Test("functional-tests-async: async blocks and complex ARG values")
    func functionalTestsAsync() throws {
        let blocks = try OrchestrationParser.parse(fileAt: fixturePath("directord/functional-tests-async.yaml"))
        #expect(blocks.map(\.isAsync) == [true, true, true, false])
        let args = blocks[3].jobs.compactMap { job -> YAMLValue? in
            if case .arg(_, let value, _) = job.call { return value }
            return nil
        }
        #expect(args == [.string("argument"), .list([.string("test")]), .int(1), .map(["a": .string("b")]), .double(1.2)])
        #expect(blocks[2].jobs[1].call == .workdir(path: "/tmp/test/mode", chown: "0:0", chmod: "0777", recursive: false))
    }

    @Test("openstack-keystone: a command's own --flags stay in the command; SERVICE keeps both flags")
    func keystone() throws {
        let jobs = try jobs("openstack-keystone.yaml")
        #expect(jobs.contains { $0.call == .run(command: "keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone", noBlock: false) })
        let service = try #require(jobs.first { $0.verb == "SERVICE" })
        #expect(service.call == .service(services: ["httpd.service"], running: .restarted, enablement: .enable, daemonReload: false))
        #expect(service.options.skipCache)
        guard case .run(let bootstrap, _) = try #require(jobs.last?.call) else { return }
        #expect(bootstrap.hasPrefix("keystone-manage bootstrap --bootstrap-password {{ keystone_admin_pass }} --bootstrap-username admin"))
        #expect(jobs.last?.options.runOnce == true)
    }

    @Test("rabbitmq: numbers, addresses and Jinja loops")
    func rabbitmq() throws {
        let jobs = try jobs("rabbitmq.yaml")
        #expect(jobs[0].call == .arg(key: "rabbitmq_async_threads", value: .int(128), extend: false))
        #expect(jobs[7].call == .arg(key: "rabbitmq_memory_high_watermark", value: .double(0.2), extend: false))
        #expect(jobs[10].call == .arg(key: "rabbitmq_management_bind_address", value: .string("0.0.0.0"), extend: false))
        #expect(jobs[15].call == .run(command: "ip -o r g 1 | awk '{print $7}'", noBlock: false))
        #expect(jobs[15].options.stdoutArg == "rabbitmq_host")
    }

    @Test("ghost-blog and sonarr: Jinja destinations and quoted ARG values")
    func jinjaAndQuotes() throws {
        let ghost = try jobs("ghost-blog.yaml")
        guard case .copy(_, let destination, _, _, true) = ghost[8].call else {
            Issue.record("unexpected \(ghost[8].call)")
            return
        }
        #expect(destination == "/etc/nginx/conf.d/{{ domain_name }}.conf")
        let sonarr = try jobs("sonarr-radarr-nzbget.yml")
        #expect(
            sonarr[5].call
                == .run(
                    command: #"adduser --home-dir "/var/lib/curator"         --comment "curator application user""#
                        + "         --groups curator-application,systemd-journal         --create-home         --shell /bin/bash         curator",
                    noBlock: false))
        guard case .run(let script, _) = ghost[9].call else { return }
        #expect(script.hasPrefix("if systemctl is-active firewalld; then\n  firewall-cmd --zone=public"))
        #expect(sonarr.contains { $0.call == .arg(key: "app_exec", value: .string("/usr/bin/mono /var/lib/curator/Sonarr/Sonarr.exe"), extend: false) })
    }
}
