import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// Image → deployment → instance, field by field, with the layer of every value.
@Suite("Configuration layering")
struct ConfigLayeringTests {
    typealias Port = ContainerConfig.Port

    static let image = ContainerConfig(
        name: "web", environment: ["PORT": "8080", "MODE": "prod", "IMAGE_ONLY": "1"], secrets: ["DB_PASSWORD"],
        ports: [Port(internal: 8080, external: 80), Port(internal: 9090), Port(internal: 53, external: 53, proto: .udp)],
        portRanges: [.init(internal: .init(from: 7000, to: 7009))],
        volumes: [.init(name: "data", containerPath: "/data"), .init(hostPath: "/etc/app", containerPath: "/config", readOnly: true)],
        networks: ["front"], restartPolicy: .unlessStopped, labels: ["tier": "web", "team": "shop"], command: ["/app"], args: ["--serve"],
        user: "app", memoryBytes: 256 << 20, healthCheck: .init(test: ["CMD", "true"], intervalSeconds: 5),
        initContainers: [.init(name: "migrate", image: "registry.example.com/shop/migrate:1")])

    static let deployment = ContainerConfig(
        environment: ["MODE": "staging", "DEPLOYMENT_ONLY": "2"], secrets: ["API_TOKEN", "DB_PASSWORD"],
        ports: [Port(internal: 8080, external: 8080), Port(internal: 53, external: 5353, proto: .tcp)],
        volumes: [.init(hostPath: "/srv/data", containerPath: "/data")], labels: ["tier": "frontend"], args: ["--serve", "--verbose"],
        memoryBytes: 512 << 20)

    static let instance = ContainerConfig(
        environment: ["MODE": "canary"], portRanges: [.init(internal: .init(from: 7000, to: 7009), external: .init(from: 17000, to: 17009))],
        user: "1000:1000", tty: true, nanoCPUs: 500_000_000)

    @Test("environment and labels merge by key, the later layer winning, each key with its layer")
    func keyed() {
        let effective = ConfigLayering.merge(image: Self.image, deployment: Self.deployment, instance: Self.instance)
        #expect(effective.config.environment == ["PORT": "8080", "MODE": "canary", "IMAGE_ONLY": "1", "DEPLOYMENT_ONLY": "2"])
        #expect(effective.layer(of: "environment.PORT") == .image)
        #expect(effective.layer(of: "environment.MODE") == .instance)
        #expect(effective.layer(of: "environment.DEPLOYMENT_ONLY") == .deployment)
        #expect(effective.config.labels == ["tier": "frontend", "team": "shop"])
        #expect(effective.layer(of: "labels.tier") == .deployment)
        #expect(effective.layer(of: "labels.team") == .image)
        #expect(effective.config.secrets == ["DB_PASSWORD", "API_TOKEN"])
        #expect(effective.layer(of: "secrets.DB_PASSWORD") == .deployment)
        #expect(effective.layer(of: "secrets.API_TOKEN") == .deployment)
    }

    @Test("ports merge by internal port and protocol, keeping their place; new ones follow")
    func ports() {
        let effective = ConfigLayering.merge(image: Self.image, deployment: Self.deployment, instance: Self.instance)
        #expect(
            effective.config.ports == [
                Port(internal: 8080, external: 8080), Port(internal: 9090), Port(internal: 53, external: 53, proto: .udp),
                Port(internal: 53, external: 5353, proto: .tcp),
            ])
        #expect(effective.layer(of: "ports.8080/tcp") == .deployment)
        #expect(effective.layer(of: "ports.9090/tcp") == .image)
        #expect(effective.layer(of: "ports.53/udp") == .image)
        #expect(effective.layer(of: "ports.53/tcp") == .deployment)
        #expect(effective.config.portRanges == [.init(internal: .init(from: 7000, to: 7009), external: .init(from: 17000, to: 17009))])
        #expect(effective.layer(of: "portRanges.7000-7009/tcp") == .instance)
    }

    @Test("volumes merge by container path")
    func volumes() {
        let effective = ConfigLayering.merge(image: Self.image, deployment: Self.deployment)
        #expect(
            effective.config.volumes == [
                .init(hostPath: "/srv/data", containerPath: "/data"), .init(hostPath: "/etc/app", containerPath: "/config", readOnly: true),
            ])
        #expect(effective.layer(of: "volumes./data") == .deployment)
        #expect(effective.layer(of: "volumes./config") == .image)
    }

    @Test("other fields: the last layer that sets them wins as a whole; nil leaves the value below")
    func scalars() {
        let effective = ConfigLayering.merge(image: Self.image, deployment: Self.deployment, instance: Self.instance)
        let config = effective.config
        #expect(config.name == "web" && effective.layer(of: "name") == .image)
        #expect(config.user == "1000:1000" && effective.layer(of: "user") == .instance)
        #expect(config.memoryBytes == 512 << 20 && effective.layer(of: "memoryBytes") == .deployment)
        #expect(config.nanoCPUs == 500_000_000 && effective.layer(of: "nanoCPUs") == .instance)
        #expect(config.tty == true && effective.layer(of: "tty") == .instance)
        #expect(config.args == ["--serve", "--verbose"] && effective.layer(of: "args") == .deployment)
        #expect(config.command == ["/app"] && effective.layer(of: "command") == .image)
        #expect(config.restartPolicy == .unlessStopped && config.networks == ["front"])
        #expect(config.healthCheck == Self.image.healthCheck && effective.layer(of: "healthCheck") == .image)
        #expect(config.initContainers == Self.image.initContainers)
        #expect(config.expectedState == nil && effective.layer(of: "expectedState") == nil)
        #expect(effective.layer(of: "workingDirectory") == nil)
    }

    @Test("the image alone is its own effective configuration, every value from the image")
    func imageOnly() {
        let effective = ConfigLayering.merge(image: Self.image)
        #expect(effective.config == Self.image)
        #expect(Set(effective.provenance.values) == [.image])
        #expect(effective.provenance.count == 21)
        #expect(ConfigLayering.merge(image: ContainerConfig()) == EffectiveConfig())
    }

    @Test("a later layer replaces a health check or capabilities as a whole, not field by field")
    func wholeStructures() {
        let image = ContainerConfig(healthCheck: .init(test: ["CMD", "a"], intervalSeconds: 5, retries: 3), capabilities: .init(add: ["NET_ADMIN"]))
        let instance = ContainerConfig(healthCheck: .init(test: ["CMD", "b"]), capabilities: .init(drop: ["ALL"]))
        let effective = ConfigLayering.merge(image: image, instance: instance)
        #expect(effective.config.healthCheck == .init(test: ["CMD", "b"]))
        #expect(effective.config.capabilities == .init(drop: ["ALL"]))
        #expect(effective.layer(of: "healthCheck") == .instance)
    }
}
