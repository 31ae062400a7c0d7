import CoxswainContainerEngine
import CoxswainCore
import Foundation
import Testing

@testable import DeployerService

/// The port proxy's pure parts: which instances it can serve, the create body of a container
/// behind it, the route table's edits and file, and routes re-pointed at another container.
@Suite(.timeLimit(.minutes(1))) struct PortProxyRoutingTests {
    static func container(_ config: ContainerConfig, throughProxy: Bool) -> DeploymentContainer {
        let instance = RolloutInstance(name: "web", image: "registry.example:5000/shop/web:2", config: config)
        return DeploymentContainer(instance: instance, rollout: DeployVerbMappingTests.rollout([instance]), throughProxy: throughProxy)
    }

    static func route(_ port: UInt16, upstream: UInt16, instance: String = "web", deployment: String = "d1", prefix: String = "shop") -> ProxyRoute {
        ProxyRoute(
            listenHost: "127.0.0.1", listenPort: port, upstreamPort: upstream, containerPort: 8080, deployment: deployment, prefix: prefix, instance: instance)
    }

    /// An engine's inspect answer with `8080/tcp` published on `bindings`.
    static func details(_ bindings: [(ip: String, port: String)]) throws -> ContainerDetails {
        let ports = bindings.map { #"{"HostIp":"\#($0.ip)","HostPort":"\#($0.port)"}"# }.joined(separator: ",")
        let json = #"""
            {"Id":"abc","Name":"/shop-web","State":{"Status":"running","Running":true},"RestartCount":0,
             "Config":{"Labels":{}},"NetworkSettings":{"Ports":{"8080/tcp":[\#(ports)]}}}
            """#
        return try JSONDecoder().decode(ContainerDetails.self, from: Data(json.utf8))
    }

    @Test("only single published TCP ports off the host's network go through the proxy")
    func whichInstances() {
        let tcp = ContainerConfig.Port(internal: 8080, external: 18080)
        #expect(Self.container(ContainerConfig(ports: [tcp, .init(internal: 9090)]), throughProxy: false).canUseProxy)
        #expect(!Self.container(ContainerConfig(ports: [.init(internal: 9090)]), throughProxy: false).canUseProxy, "nothing published")
        #expect(!Self.container(ContainerConfig(ports: [tcp, .init(internal: 53, external: 53, proto: .udp)]), throughProxy: false).canUseProxy, "UDP")
        #expect(!Self.container(ContainerConfig(ports: [tcp], networkMode: .host), throughProxy: false).canUseProxy, "host network")
        let range = ContainerConfig.PortRange(internal: .init(from: 9000, to: 9001), external: .init(from: 19000, to: 19001))
        #expect(!Self.container(ContainerConfig(ports: [tcp], portRanges: [range]), throughProxy: false).canUseProxy, "a published range")
        #expect(Self.container(ContainerConfig(ports: [tcp]), throughProxy: false).stopsPreviousFirst)
        #expect(!Self.container(ContainerConfig(ports: [tcp]), throughProxy: true).stopsPreviousFirst)
    }

    @Test("behind the proxy the container publishes its port on a loopback port the engine chooses, labelled proxied")
    func createBody() throws {
        let config = ContainerConfig(ports: [.init(internal: 8080, external: 18080, hostIP: "0.0.0.0")])
        let data = try Self.container(config, throughProxy: true).createBody(name: "shop-web.next", secrets: [:])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let host = try #require(json["HostConfig"] as? [String: Any])
        let bindings = try #require(host["PortBindings"] as? [String: [[String: String]]])
        #expect(bindings == ["8080/tcp": [["HostIp": "127.0.0.1", "HostPort": ""]]])
        #expect((json["Labels"] as? [String: String])?[ContainerLabels.proxied] == "true")
        let direct = try Self.container(config, throughProxy: false).createBody(name: "shop-web.next", secrets: [:])
        let directJSON = try #require(try JSONSerialization.jsonObject(with: direct) as? [String: Any])
        #expect(
            ((directJSON["HostConfig"] as? [String: Any])?["PortBindings"] as? [String: [[String: String]]]) == [
                "8080/tcp": [["HostIp": "0.0.0.0", "HostPort": "18080"]]
            ])
        #expect((directJSON["Labels"] as? [String: String])?[ContainerLabels.proxied] == nil)
    }

    @Test("routes to a container come from its loopback binding; none when it publishes elsewhere or not at all")
    func routesToAContainer() throws {
        let config = ContainerConfig(ports: [.init(internal: 8080, external: 18080)])
        let container = Self.container(config, throughProxy: true)
        let routes = try #require(container.proxyRoutes(to: try Self.details([("127.0.0.1", "41234")])))
        #expect(
            routes == [
                ProxyRoute(
                    listenHost: "0.0.0.0", listenPort: 18080, upstreamPort: 41234, containerPort: 8080, deployment: "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
                    prefix: "shop", instance: "web")
            ])
        #expect(container.proxyRoutes(to: try Self.details([("0.0.0.0", "18080")])) == nil, "published on the fixed port itself")
        #expect(container.proxyRoutes(to: try Self.details([("127.0.0.1", "not a port")])) == nil, "an engine answer that is not a port")
        #expect(Self.route(18080, upstream: 1).upstream(in: try Self.details([("127.0.0.1", "5000")]))?.upstreamPort == 5000)
    }

    @Test("the table: an instance's routes replaced, a held address taken over, a deployment's routes removed; the file round-trips")
    func table() throws {
        var table = ProxyRouteTable()
        table = table.setting([Self.route(80, upstream: 1000), Self.route(81, upstream: 1001)], prefix: "shop", instance: "web")
        table = table.setting([Self.route(90, upstream: 2000, instance: "api")], prefix: "shop", instance: "api")
        #expect(table.upstreams == ["127.0.0.1:80": 1000, "127.0.0.1:81": 1001, "127.0.0.1:90": 2000])
        table = table.setting([Self.route(80, upstream: 1100)], prefix: "shop", instance: "web")
        #expect(table.upstreams == ["127.0.0.1:80": 1100, "127.0.0.1:90": 2000], "the instance's earlier routes are replaced")
        table = table.setting([Self.route(90, upstream: 3000, instance: "other", deployment: "d2", prefix: "blog")], prefix: "blog", instance: "other")
        #expect(table.upstreams["127.0.0.1:90"] == 3000 && table.routes(prefix: "shop", instance: "api").isEmpty, "a stale holder of the address goes")
        #expect(table.removing(deployment: "d1", instances: ["api"]).routes.count == 2)
        #expect(table.removing(deployment: "d1").routes.map(\.deployment) == ["d2"])

        let directory = NSTemporaryDirectory() + "proxy-table-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ProxyRouteTable.load(directory: directory) == ProxyRouteTable(), "no file is an empty table")
        try table.save(directory: directory)
        #expect(try ProxyRouteTable.load(directory: directory) == table)
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/routes.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        FileManager.default.createFile(atPath: directory + "/routes.json", contents: Data("{".utf8))
        #expect(throws: PortProxyError.self) { try ProxyRouteTable.load(directory: directory) }
    }
}
