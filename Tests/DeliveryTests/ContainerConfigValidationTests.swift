import CoxswainCore
import Foundation
import Testing

@testable import CoxswainDelivery

/// `ContainerConfig.problems(at:)`: every rule, each problem naming its field; and the wire shape.
@Suite("Container configuration")
struct ContainerConfigValidationTests {
    static let valid = ContainerConfig(
        name: "web", environment: ["PORT": "8080", "_x1": ""], secrets: ["DB_PASSWORD"],
        ports: [.init(internal: 8080, external: 80), .init(internal: 8080, external: 80, proto: .udp), .init(internal: 65_535)],
        portRanges: [.init(internal: .init(from: 7000, to: 7999), external: .init(from: 17000, to: 17999))],
        volumes: [
            .init(name: "data", containerPath: "/data"), .init(hostPath: "/etc/app", containerPath: "/config", readOnly: true), .init(containerPath: "/tmp"),
        ],
        networks: ["front", "back.net"], networkMode: .bridge, restartPolicy: .onFailure(maxRetries: 5), labels: ["com.example.tier": "web"],
        command: ["/app"], args: ["--serve"], user: "1000:1000", workingDirectory: "/srv", tty: false,
        log: .init(driver: "json-file", options: ["max-size": "10m"]), memoryBytes: 0, nanoCPUs: 1_500_000_000,
        healthCheck: .init(test: ["CMD-SHELL", "curl -f http://localhost/"], intervalSeconds: 10, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 86_400),
        expectedState: .init(state: .exited, exitCode: 255, timeoutSeconds: 1),
        initContainers: [.init(name: "migrate", image: "reg.example.com/m:1", command: ["migrate"])],
        capabilities: .init(add: ["NET_ADMIN", "CAP_SYS_TIME"], drop: ["ALL"]))

    @Test("a configuration within every rule has no problems; neither has an empty layer")
    func valid() {
        #expect(Self.valid.problems.isEmpty)
        #expect(ContainerConfig().problems.isEmpty)
        #expect(ContainerConfig(healthCheck: .init(test: ["NONE"]), expectedState: .default).problems.isEmpty)
    }

    /// A configuration breaking one rule, the path it is reported at, and part of the message.
    static let broken: [(ContainerConfig, String, String)] = [
        (ContainerConfig(name: "Web_1"), "images[web].name", "'Web_1' is not a DNS label"),
        (ContainerConfig(environment: ["1BAD": "x"]), "images[web].environment.1BAD", "not a variable name"),
        (ContainerConfig(environment: ["A-B": "x"]), "images[web].environment.A-B", "not a variable name"),
        (ContainerConfig(environment: ["NUL": "a\u{0}b"]), "images[web].environment.NUL", "contains a NUL character"),
        (ContainerConfig(secrets: ["ok", "no way"]), "images[web].secrets[1]", "'no way' is not a variable name"),
        (ContainerConfig(secrets: ["A", "A"]), "images[web].secrets[1]", "'A' is already secrets[0]"),
        (ContainerConfig(ports: [.init(internal: 80, external: 70_000)]), "images[web].ports[0].external", "70000 is not a port (1-65535)"),
        (ContainerConfig(ports: [.init(internal: 0)]), "images[web].ports[0].internal", "0 is not a port (1-65535)"),
        (ContainerConfig(ports: [.init(internal: 80), .init(internal: 80, external: 8080)]), "images[web].ports[1]", "80/tcp is already ports[0]"),
        (
            ContainerConfig(ports: [.init(internal: 80, external: 8080), .init(internal: 81, external: 8080)]), "images[web].ports[1].external",
            "8080/tcp is already published by ports[0]"
        ),
        (ContainerConfig(portRanges: [.init(internal: .init(from: 9010, to: 9000))]), "images[web].portRanges[0].internal", "9010-9000 is reversed"),
        (ContainerConfig(portRanges: [.init(internal: .init(from: 1, to: 1001))]), "images[web].portRanges[0].internal", "1001 ports wide, at most 1000"),
        (ContainerConfig(portRanges: [.init(internal: .init(from: 0, to: 10))]), "images[web].portRanges[0].internal.from", "0 is not a port"),
        (
            ContainerConfig(portRanges: [.init(internal: .init(from: 100, to: 109), external: .init(from: 200, to: 204))]),
            "images[web].portRanges[0].external", "5 ports wide, the internal range 10"
        ),
        (ContainerConfig(volumes: [.init(containerPath: "data")]), "images[web].volumes[0].containerPath", "'data' is not an absolute path"),
        (ContainerConfig(volumes: [.init(hostPath: "rel", containerPath: "/d")]), "images[web].volumes[0].hostPath", "'rel' is not an absolute path"),
        (ContainerConfig(volumes: [.init(name: "a", hostPath: "/a", containerPath: "/d")]), "images[web].volumes[0]", "not both"),
        (ContainerConfig(volumes: [.init(name: "-x", containerPath: "/d")]), "images[web].volumes[0].name", "'-x' is not a volume name"),
        (
            ContainerConfig(volumes: [.init(containerPath: "/d"), .init(containerPath: "/d")]), "images[web].volumes[1].containerPath",
            "'/d' is already mounted by volumes[0]"
        ),
        (ContainerConfig(networks: ["a b"]), "images[web].networks[0]", "'a b' is not a network name"),
        (ContainerConfig(networks: ["a"], networkMode: .host), "images[web].networks", "no networks with networkMode host"),
        (ContainerConfig(restartPolicy: .onFailure(maxRetries: -1)), "images[web].restartPolicy.maxRetries", "must be 0...1000"),
        (ContainerConfig(labels: ["io.coxswain.deployment": "x"]), "images[web].labels.io.coxswain.deployment", "labels are Coxswain's own"),
        (ContainerConfig(labels: ["": "x"]), "images[web].labels.", "a label key is 1 to 255 characters"),
        (ContainerConfig(user: "a b"), "images[web].user", "without spaces"),
        (ContainerConfig(workingDirectory: "srv"), "images[web].workingDirectory", "'srv' is not an absolute path"),
        (ContainerConfig(log: .init(driver: "")), "images[web].log.driver", "is not a logging driver name"),
        (ContainerConfig(memoryBytes: -1), "images[web].memoryBytes", "must not be negative"),
        (ContainerConfig(nanoCPUs: -5), "images[web].nanoCPUs", "must not be negative"),
        (ContainerConfig(healthCheck: .init(test: ["curl"])), "images[web].healthCheck.test", "must start with CMD, CMD-SHELL or NONE"),
        (ContainerConfig(healthCheck: .init(test: [])), "images[web].healthCheck.test", "must start with CMD, CMD-SHELL or NONE"),
        (ContainerConfig(healthCheck: .init(test: ["CMD"])), "images[web].healthCheck.test", "CMD needs a command after it"),
        (ContainerConfig(healthCheck: .init(test: ["NONE"], intervalSeconds: 0)), "images[web].healthCheck.intervalSeconds", "must be 1...86400 seconds"),
        (ContainerConfig(healthCheck: .init(test: ["NONE"], timeoutSeconds: 86_401)), "images[web].healthCheck.timeoutSeconds", "must be 1...86400 seconds"),
        (ContainerConfig(healthCheck: .init(test: ["NONE"], startPeriodSeconds: -1)), "images[web].healthCheck.startPeriodSeconds", "1...86400"),
        (ContainerConfig(healthCheck: .init(test: ["NONE"], retries: -1)), "images[web].healthCheck.retries", "must be 0...1000"),
        (ContainerConfig(expectedState: .init(state: .exited, exitCode: 256)), "images[web].expectedState.exitCode", "must be 0...255"),
        (ContainerConfig(expectedState: .init(state: .running, exitCode: 0)), "images[web].expectedState.exitCode", "only with state exited"),
        (ContainerConfig(expectedState: .init(state: .running, timeoutSeconds: 0)), "images[web].expectedState.timeoutSeconds", "must be 1...86400 seconds"),
        (ContainerConfig(initContainers: [.init(name: "Bad", image: "x")]), "images[web].initContainers[0].name", "'Bad' is not a DNS label"),
        (ContainerConfig(initContainers: [.init(name: "a", image: "")]), "images[web].initContainers[0].image", "an image reference"),
        (
            ContainerConfig(initContainers: [.init(name: "a", image: "x"), .init(name: "a", image: "y")]), "images[web].initContainers[1].name",
            "'a' is already initContainers[0]"
        ),
        (ContainerConfig(capabilities: .init(add: ["net_admin"])), "images[web].capabilities.add[0]", "'net_admin' is not a capability"),
        (ContainerConfig(capabilities: .init(drop: ["ALL", ""])), "images[web].capabilities.drop[1]", "'' is not a capability"),
    ]

    @Test("each broken rule is reported at its field's path", arguments: broken)
    func problem(config: ContainerConfig, path: String, message: String) {
        let problems = config.problems(at: "images[web]")
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.path == path)
        #expect(problems.first?.message.contains(message) == true, "\(problems)")
        #expect(problems.first?.description.hasPrefix("\(path): ") == true)
    }

    @Test("without a root, paths start at the field")
    func rootless() {
        #expect(ContainerConfig(ports: [.init(internal: 80, external: 0)]).problems.map(\.description) == ["ports[0].external: 0 is not a port (1-65535)"])
    }

    @Test("lists and values have limits; values in messages are cut short")
    func limits() {
        let many = Dictionary(uniqueKeysWithValues: (0...ContainerConfig.maximumItems).map { ("K\($0)", "") })
        #expect(ContainerConfig(environment: many).problems.map(\.description) == ["environment: at most 1000 variables"])
        let long = String(repeating: "x", count: ContainerConfig.maximumValueBytes + 1)
        #expect(ContainerConfig(args: [long]).problems.map(\.description) == ["args[0]: longer than 65536 bytes"])
        #expect(ContainerConfig(command: Array(repeating: "a", count: 1001)).problems.map(\.path) == ["command"])
        let problem = ContainerConfig(name: String(repeating: "N", count: 500)).problems.first?.message ?? ""
        #expect(problem.count < 200)
    }

    @Test("a broken configuration lists every problem, in field order")
    func several() {
        let config = ContainerConfig(name: "-", environment: ["A B": "x"], ports: [.init(internal: 70_000)], memoryBytes: -1)
        #expect(config.problems.map(\.path) == ["name", "environment.A B", "ports[0].internal", "memoryBytes"])
    }

    @Test("the wire shape: protocol defaults to tcp; restart policy as the Engine API writes it")
    func wire() throws {
        let json =
            #"{"ports":[{"internal":80,"external":8080},{"internal":53,"protocol":"udp"}],"#
            + #""restartPolicy":{"name":"on-failure","maxRetries":3},"expectedState":{"state":"exited"}}"#
        let decoded = try JSONDecoder().decode(ContainerConfig.self, from: Data(json.utf8))
        #expect(decoded.ports == [.init(internal: 80, external: 8080), .init(internal: 53, proto: .udp)])
        #expect(decoded.restartPolicy == .onFailure(maxRetries: 3))
        #expect(decoded.expectedState?.timeout == .seconds(120))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = String(
            decoding: try encoder.encode(ContainerConfig(ports: [.init(internal: 53, proto: .udp)], restartPolicy: .unlessStopped)), as: UTF8.self)
        #expect(encoded == #"{"ports":[{"internal":53,"protocol":"udp"}],"restartPolicy":{"name":"unless-stopped"}}"#)
        let roundTrip = try JSONDecoder().decode(ContainerConfig.self, from: try encoder.encode(Self.valid))
        #expect(roundTrip == Self.valid)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ContainerConfig.RestartPolicy.self, from: Data(#"{"name":"sometimes"}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ContainerConfig.RestartPolicy.self, from: Data(#"{"name":"always","maxRetries":2}"#.utf8))
        }
    }

    @Test("restart policies parse as the command line writes them")
    func restartPolicyText() {
        for policy in [ContainerConfig.RestartPolicy.no, .always, .unlessStopped, .onFailure(maxRetries: nil), .onFailure(maxRetries: 7)] {
            #expect(ContainerConfig.RestartPolicy(parsing: policy.description) == policy)
        }
        for bad in ["", "on-failure:", "on-failure:-1", "on-failure:x", "sometimes", "always:2", "on-failure:9999999999"] {
            #expect(ContainerConfig.RestartPolicy(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("durations: health check timings and the expected state's timeout")
    func durations() {
        let check = ContainerConfig.HealthCheck(test: ["NONE"], intervalSeconds: 5, timeoutSeconds: 2, startPeriodSeconds: 30)
        #expect(check.interval == .seconds(5) && check.timeout == .seconds(2) && check.startPeriod == .seconds(30))
        #expect(ContainerConfig.ExpectedState(state: .exited, timeoutSeconds: 9).timeout == .seconds(9))
        #expect(ContainerConfig.ExpectedState.default.timeout == .seconds(120))
    }
}
