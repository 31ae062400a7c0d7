import CoxswainCore
import Foundation
import Testing

@testable import DeployerService

/// DEPLOY without an engine: every `ContainerConfig` field onto the engine's create body, the
/// names and labels of a rollout's containers, and the checks that refuse a bad rollout before
/// the engine is touched. (Against the real engine: `DeployVerbTests` in IntegrationTests.)
@Suite(.timeLimit(.minutes(1))) struct DeployVerbMappingTests {
    static let prefix = DeploymentPrefix("shop")!

    static func rollout(_ instances: [RolloutInstance], action: DeploymentRollout.Action = .deploy) -> DeploymentRollout {
        DeploymentRollout(
            action: action, deployment: DeploymentID("0f1e2d3c-aaaa-bbbb-cccc-000000000001"), tryNumber: 3, team: "blue", product: "shop",
            version: "2.1", prefix: prefix, rollback: false, instances: instances)
    }

    /// A configuration that sets every field.
    static let full = ContainerConfig(
        name: "web", environment: ["PORT": "8080", "TOKEN": "from-environment"], secrets: ["TOKEN", "DB_PASSWORD"],
        ports: [.init(internal: 8080, external: 18080, hostIP: "127.0.0.1"), .init(internal: 53, proto: .udp)],
        portRanges: [
            .init(internal: .init(from: 9000, to: 9002), external: .init(from: 19000, to: 19002), proto: .udp), .init(internal: .init(from: 7000, to: 7001)),
        ],
        volumes: [
            .init(name: "data", containerPath: "/data"), .init(hostPath: "/srv/www", containerPath: "/www", readOnly: true), .init(containerPath: "/cache"),
        ],
        networks: ["front", "back"], networkMode: .bridge, restartPolicy: .onFailure(maxRetries: 5), labels: ["team.owner": "ops"],
        command: ["/bin/httpd"], args: ["-f", "-p", "8080"], user: "1000:1000", workingDirectory: "/www", tty: true,
        log: .init(driver: "json-file", options: ["max-size": "10m"]), memoryBytes: 64 << 20, nanoCPUs: 1_500_000_000,
        healthCheck: .init(
            test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/"], intervalSeconds: 2, timeoutSeconds: 3, retries: 4, startPeriodSeconds: 5),
        expectedState: .init(state: .running, timeoutSeconds: 60),
        initContainers: [.init(name: "migrate", image: "registry.example:5000/shop/migrate:2", command: ["/migrate"], args: ["up"])],
        capabilities: .init(add: ["NET_ADMIN"], drop: ["ALL"]))

    static let secrets = [RolloutInstance.secretKey("TOKEN"): "s3cret", RolloutInstance.secretKey("DB_PASSWORD"): "hunter2"]

    static func body(_ config: ContainerConfig, name: String = "shop-web.next") throws -> [String: Any] {
        let instance = RolloutInstance(name: "web", image: "registry.example:5000/shop/web:2.1", config: config)
        let data = try DeploymentContainer(instance: instance, rollout: rollout([instance])).createBody(name: name, secrets: secrets)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("every ContainerConfig field reaches the engine's create body")
    func everyField() throws {
        let json = try Self.body(Self.full)
        #expect(json["Image"] as? String == "registry.example:5000/shop/web:2.1")
        // Secrets become variables of their name, and win over a variable of the same name.
        #expect(json["Env"] as? [String] == ["DB_PASSWORD=hunter2", "PORT=8080", "TOKEN=s3cret"])
        #expect(json["Entrypoint"] as? [String] == ["/bin/httpd"])
        #expect(json["Cmd"] as? [String] == ["-f", "-p", "8080"])
        #expect(json["User"] as? String == "1000:1000")
        #expect(json["WorkingDir"] as? String == "/www")
        #expect(json["Tty"] as? Bool == true)
        let exposed = try #require(json["ExposedPorts"] as? [String: Any])
        #expect(Set(exposed.keys) == ["8080/tcp", "53/udp", "9000/udp", "9001/udp", "9002/udp", "7000/tcp", "7001/tcp"])
        let health = try #require(json["Healthcheck"] as? [String: Any])
        #expect(health["Test"] as? [String] == ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/"])
        #expect((health["Interval"] as? NSNumber)?.int64Value == 2_000_000_000)
        #expect((health["Timeout"] as? NSNumber)?.int64Value == 3_000_000_000)
        #expect((health["Retries"] as? NSNumber)?.int64Value == 4)
        #expect((health["StartPeriod"] as? NSNumber)?.int64Value == 5_000_000_000)

        let labels = try #require(json["Labels"] as? [String: String])
        #expect(labels["team.owner"] == "ops")
        #expect(labels["io.coxswain.managed"] == "true")
        #expect(labels["io.coxswain.team"] == "blue")
        #expect(labels["io.coxswain.prefix"] == "shop")
        #expect(labels["io.coxswain.deployment"] == "0f1e2d3c-aaaa-bbbb-cccc-000000000001")
        #expect(labels["io.coxswain.product"] == "shop")
        #expect(labels["io.coxswain.version"] == "2.1")
        #expect(labels["io.coxswain.instance"] == "web")
        #expect(labels["io.coxswain.try"] == "3")
        #expect(labels["io.coxswain.config-digest"]?.hasPrefix("sha256:") == true)
        #expect(labels["io.coxswain.init"] == nil)

        let host = try #require(json["HostConfig"] as? [String: Any])
        let bindings = try #require(host["PortBindings"] as? [String: [[String: String]]])
        #expect(bindings["8080/tcp"] == [["HostIp": "127.0.0.1", "HostPort": "18080"]])
        #expect(bindings["9001/udp"] == [["HostIp": "", "HostPort": "19001"]])
        #expect(bindings.count == 4, "the published ports only: \(bindings.keys.sorted())")
        #expect(host["Binds"] as? [String] == ["data:/data", "/srv/www:/www:ro"])
        let mounts = try #require(host["Mounts"] as? [[String: Any]])
        #expect(mounts.count == 1 && mounts[0]["Type"] as? String == "volume" && mounts[0]["Target"] as? String == "/cache")
        #expect(mounts[0]["ReadOnly"] as? Bool == false)
        #expect(host["NetworkMode"] as? String == "front")
        let restart = try #require(host["RestartPolicy"] as? [String: Any])
        #expect(restart["Name"] as? String == "on-failure" && (restart["MaximumRetryCount"] as? NSNumber)?.intValue == 5)
        let log = try #require(host["LogConfig"] as? [String: Any])
        #expect(log["Type"] as? String == "json-file" && log["Config"] as? [String: String] == ["max-size": "10m"])
        #expect((host["Memory"] as? NSNumber)?.int64Value == 64 << 20)
        #expect((host["NanoCpus"] as? NSNumber)?.int64Value == 1_500_000_000)
        #expect(host["CapAdd"] as? [String] == ["NET_ADMIN"])
        #expect(host["CapDrop"] as? [String] == ["ALL"])
        #expect(host["Init"] as? Bool == true, "an init process: the container stops at once")
        // The first network at create (dockerd before API 1.44 takes one), the others connected after it.
        let endpoints = try #require((json["NetworkingConfig"] as? [String: Any])?["EndpointsConfig"] as? [String: Any])
        #expect(Set(endpoints.keys) == ["front"])
        let instance = RolloutInstance(name: "web", image: "x:1", config: Self.full)
        #expect(DeploymentContainer(instance: instance, rollout: Self.rollout([instance])).laterNetworks == ["back"])
    }

    @Test("network modes, restart policies and a configuration that sets nothing")
    func modesAndDefaults() throws {
        let empty = try Self.body(ContainerConfig())
        #expect(empty["Env"] == nil && empty["Cmd"] == nil && empty["Entrypoint"] == nil && empty["Healthcheck"] == nil && empty["NetworkingConfig"] == nil)
        let emptyHost = try #require(empty["HostConfig"] as? [String: Any])
        #expect(emptyHost["NetworkMode"] == nil && emptyHost["RestartPolicy"] == nil && emptyHost["Binds"] == nil && emptyHost["PortBindings"] == nil)
        #expect((empty["Labels"] as? [String: String])?["io.coxswain.instance"] == "web")

        for (mode, expected) in [(ContainerConfig.NetworkMode.host, "host"), (.none, "none"), (.bridge, "bridge")] {
            let host = try #require(try Self.body(ContainerConfig(networkMode: mode))["HostConfig"] as? [String: Any])
            #expect(host["NetworkMode"] as? String == expected)
        }
        // Networks are ignored (refused by validation) outside the bridge.
        let hostNet = try Self.body(ContainerConfig(networks: ["front"], networkMode: .host))
        #expect(hostNet["NetworkingConfig"] == nil)
        for (policy, name, retries) in [
            (ContainerConfig.RestartPolicy.no, "no", 0), (.always, "always", 0), (.unlessStopped, "unless-stopped", 0),
            (.onFailure(maxRetries: nil), "on-failure", 0),
        ] {
            let host = try #require(try Self.body(ContainerConfig(restartPolicy: policy))["HostConfig"] as? [String: Any])
            let restart = try #require(host["RestartPolicy"] as? [String: Any])
            #expect(restart["Name"] as? String == name && (restart["MaximumRetryCount"] as? NSNumber)?.intValue == retries)
        }
    }

    @Test("values the checks refuse are skipped by the mapping, never trapped on")
    func outOfRangeValuesDoNotTrap() throws {
        let config = ContainerConfig(
            ports: [.init(internal: 70000, external: -1), .init(internal: -5), .init(internal: 80, external: 1 << 40), .init(internal: 81, external: 8081)],
            portRanges: [
                .init(internal: .init(from: 10, to: 5)), .init(internal: .init(from: 1, to: 3), external: .init(from: 5, to: 6)),
                .init(internal: .init(from: 65_535, to: 65_536)),
            ],
            restartPolicy: .onFailure(maxRetries: Int.max), memoryBytes: Int.max, nanoCPUs: Int.min,
            healthCheck: .init(test: ["CMD", "true"], intervalSeconds: Int.max / 1_000_000_000_000, retries: Int.max))
        let json = try Self.body(config)
        let host = try #require(json["HostConfig"] as? [String: Any])
        #expect((host["PortBindings"] as? [String: Any])?.keys.sorted() == ["81/tcp"])
        #expect((json["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["65535/tcp", "81/tcp"])
        #expect((host["Memory"] as? NSNumber)?.int64Value == Int64.max)
    }

    @Test("names during a try, init containers, and which instances stop the previous container first")
    func namesAndInitContainers() throws {
        let instance = RolloutInstance(name: "web", image: "x:1", config: Self.full)
        let container = DeploymentContainer(instance: instance, rollout: Self.rollout([instance]))
        #expect(container.current == "shop-web")
        #expect(container.next == "shop-web.next")
        #expect(container.asideNames == ["shop-web.previous", "shop-web.previous-stopped"])
        #expect(container.initName("migrate") == "shop-web-init-migrate")
        #expect(container.stopsPreviousFirst, "fixed host ports")

        let spec = container.initSpec(try #require(Self.full.initContainers?.first), secrets: Self.secrets)
        #expect(spec.name == "shop-web-init-migrate" && spec.image == "registry.example:5000/shop/migrate:2")
        #expect(spec.entrypoint == ["/migrate"] && spec.command == ["up"])
        #expect(spec.environment["DB_PASSWORD"] == "hunter2")
        #expect(spec.labels["io.coxswain.init"] == "migrate" && spec.labels["io.coxswain.deployment"] == "0f1e2d3c-aaaa-bbbb-cccc-000000000001")
        #expect(spec.portBindings.isEmpty && spec.exposedPorts.isEmpty && spec.restartPolicy == nil && spec.healthcheck == nil)
        #expect(spec.mounts.count == 3 && spec.networkMode == "front")

        func stopsFirst(_ config: ContainerConfig) -> Bool {
            let instance = RolloutInstance(name: "api", image: "x:1", config: config)
            return DeploymentContainer(instance: instance, rollout: Self.rollout([instance])).stopsPreviousFirst
        }
        #expect(!stopsFirst(ContainerConfig()))
        #expect(!stopsFirst(ContainerConfig(ports: [.init(internal: 8080)])))
        #expect(stopsFirst(ContainerConfig(ports: [.init(internal: 8080, external: 80)])))
        #expect(stopsFirst(ContainerConfig(portRanges: [.init(internal: .init(from: 1, to: 2), external: .init(from: 3, to: 4))])))
        #expect(stopsFirst(ContainerConfig(networkMode: .host)))
    }

    @Test("the config digest changes with the configuration, not with secret values")
    func configDigest() {
        func digest(_ config: ContainerConfig, image: String = "x:1") -> String {
            let instance = RolloutInstance(name: "web", image: image, config: config)
            return DeploymentContainer(instance: instance, rollout: Self.rollout([instance])).configDigest
        }
        #expect(digest(Self.full) == digest(Self.full))
        #expect(digest(Self.full) != digest(Self.full, image: "x:2"))
        #expect(digest(ContainerConfig(environment: ["A": "1"])) != digest(ContainerConfig(environment: ["A": "2"])))
    }

    @Test("a good rollout has no problems; the checks refuse bad values, naming each field")
    func validation() {
        let good = Self.rollout([RolloutInstance(name: "web", image: "127.0.0.1:5000/demo/httpd:1", config: Self.full)])
        #expect(good.nodeProblems(secrets: Self.secrets).isEmpty, "\(good.nodeProblems(secrets: Self.secrets))")
        #expect(Self.rollout([], action: .remove).nodeProblems(secrets: [:]).isEmpty)

        var bad = Self.rollout([
            RolloutInstance(name: "Web_1", image: "demo:1", config: ContainerConfig()),
            RolloutInstance(name: "api", image: "Bad Image", config: ContainerConfig(secrets: ["MISSING"], ports: [.init(internal: 70000)])),
            RolloutInstance(name: "api", image: "demo:1", config: ContainerConfig()),
            RolloutInstance(
                name: "lb", image: "demo:1", config: ContainerConfig(ports: [.init(internal: 80, external: 80)], networkMode: .host),
                registryAuthKey: "COXSWAIN_REGISTRY_AUTH"),
            RolloutInstance(
                name: "db", image: "demo:1", config: ContainerConfig(initContainers: [.init(name: "migrate", image: "demo/x:1@sha256:abc")]),
                registryAuthKey: "NOT_JSON"),
        ])
        bad.tryNumber = 0
        bad.team = ""
        let problems = bad.nodeProblems(secrets: ["NOT_JSON": "{"])
        let expected = [
            "tryNumber: 0 is not a try number", "team: not a label value", "instances[?].name: 'Web_1' is not a DNS label",
            "instances[api].image: invalid image reference", "instances[api].ports[0].internal: 70000 is not a port",
            "instances[api].secrets: 'MISSING' has no value in the task", "instances[api].name: 'api' is twice in the rollout",
            "instances[lb].ports: no published ports with networkMode host", "instances[lb].registryAuthKey: the task has no secret 'COXSWAIN_REGISTRY_AUTH'",
            "instances[db].initContainers[0].image: invalid image reference",
            "instances[db].registryAuthKey: the task's secret 'NOT_JSON' is not registry credentials",
        ]
        for text in expected { #expect(problems.contains { $0.hasPrefix(text) }, "missing \(text) in \(problems)") }
        #expect(problems.allSatisfy { !$0.contains("{") || $0.contains("instances[") }, "no secret value in a message: \(problems)")

        let badID = DeploymentRollout(
            action: .remove, deployment: DeploymentID("x=y,io.coxswain.managed=true"), tryNumber: 1, team: "t\u{0}", product: "p", version: "v",
            prefix: Self.prefix, rollback: false, instances: [])
        let idProblems = badID.nodeProblems(secrets: [:])
        #expect(idProblems.contains { $0.hasPrefix("deployment: not a deployment id") } && idProblems.contains { $0.hasPrefix("team:") }, "\(idProblems)")
    }

    @Test("DEPLOY refuses bad JSON and bad rollouts before any engine is asked, with one closing event on stdout")
    func refusedBeforeTheEngine() async throws {
        let node = try VerbTableTests.Node()
        defer { node.remove() }
        let handler = try #require(VerbHandlers.directord(store: node.store, trust: node.trust)[.deploy])
        func run(_ arguments: String) async throws -> VerbOutcome {
            try await handler.execute(TaskSpec(taskID: TaskID(), verb: .deploy, arguments: arguments, timeoutSeconds: 10), context: node.context())
        }
        let notJSON = try await run("{not json")
        #expect(notJSON.status == .failed && notJSON.error?.hasPrefix("DEPLOY: the rollout is not valid JSON") == true, "\(notJSON)")
        #expect(DeploymentEventLines.parse(notJSON.stdout).map(\.kind) == [.failed])

        let encoder = JSONEncoder()
        let bad = Self.rollout([RolloutInstance(name: "web", image: "demo:1", config: ContainerConfig(secrets: ["TOKEN"]))])
        let refused = try await run(String(decoding: try encoder.encode(bad), as: UTF8.self))
        #expect(
            refused.error
                == "DEPLOY: refused the rollout, nothing was changed: instances[web].secrets: 'TOKEN' has no value in the task (set it on the deployment)",
            "\(refused)")
        let events = DeploymentEventLines.parse(refused.stdout)
        #expect(events.count == 1 && events[0].kind == .failed && events[0].instance == nil)

        // A good rollout goes as far as the engine, which this agent lacks.
        let good = Self.rollout([RolloutInstance(name: "web", image: "demo:1", config: ContainerConfig())])
        let noEngine = try await run(String(decoding: try encoder.encode(good), as: UTF8.self))
        #expect(noEngine.error == "DEPLOY: no container engine on this node: this agent has no container engine configured", "\(noEngine)")
        // A prefix that is not a DNS label does not even decode.
        let badPrefix = String(decoding: try encoder.encode(good), as: UTF8.self).replacingOccurrences(of: #""prefix":"shop""#, with: #""prefix":"Shop!""#)
        #expect(try await run(badPrefix).error?.hasPrefix("DEPLOY: the rollout is not valid JSON") == true)
    }

    @Test("DEPLOY is internal: never cached, not a step, operations only")
    func traits() {
        #expect(Verb.deploy.traits.contains(.uncached))
        #expect(!Verb.stepVerbs.contains(.deploy))
    }
}
