import CoxswainContainerEngine
import Foundation

/// One published port of a deployment instance, served by the node's port proxy: connections to
/// `listenHost:listenPort` go to the instance's current container on `127.0.0.1:upstreamPort`
/// (the engine publishes the container port there, on a port it chooses).
package struct ProxyRoute: Codable, Sendable, Equatable {
    /// The address the proxy listens on (`0.0.0.0` for every address of the node).
    package var listenHost: String
    /// The port the configuration publishes (its `external`).
    package var listenPort: UInt16
    /// The current container's port on the node's loopback.
    package var upstreamPort: UInt16
    /// The container port (TCP) the engine publishes on `upstreamPort`.
    package var containerPort: Int
    /// The deployment, prefix and instance whose port this is.
    package var deployment: String
    package var prefix: String
    package var instance: String

    package init(
        listenHost: String, listenPort: UInt16, upstreamPort: UInt16, containerPort: Int, deployment: String, prefix: String, instance: String
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.upstreamPort = upstreamPort
        self.containerPort = containerPort
        self.deployment = deployment
        self.prefix = prefix
        self.instance = instance
    }

    /// `host:port` the proxy listens on: the route's key (one route per listening address).
    package var listenKey: String { "\(listenHost):\(listenPort)" }

    /// The route to `container` instead: the loopback port the engine published `containerPort`
    /// on there, or nil when it is not published on loopback (not created for the proxy, not running).
    package func upstream(in container: ContainerDetails) -> ProxyRoute? {
        let binding = container.ports["\(containerPort)/tcp"]?.first { ($0.hostIP ?? "") == "127.0.0.1" }
        guard let port = binding?.hostPort.flatMap({ UInt16($0) }), port > 0 else { return nil }
        var route = self
        route.upstreamPort = port
        return route
    }
}

/// Every route of the node's port proxy, as the Deployer writes it to `routes.json` and the proxy
/// reads it (at its start, and on each reload). Pure edits; the file is written atomically.
package struct ProxyRouteTable: Codable, Sendable, Equatable {
    package var routes: [ProxyRoute]

    package init(routes: [ProxyRoute] = []) { self.routes = routes }

    /// The table with `instance` of `prefix` served by `routes` (its earlier routes replaced; none
    /// removes them). A listening address another instance holds is taken over: the Gateway
    /// refuses two instances publishing the same node port, so only a stale route can hold it.
    package func setting(_ routes: [ProxyRoute], prefix: String, instance: String) -> ProxyRouteTable {
        let keys = Set(routes.map(\.listenKey))
        let kept = self.routes.filter { !($0.prefix == prefix && $0.instance == instance) && !keys.contains($0.listenKey) }
        return ProxyRouteTable(routes: (kept + routes).sorted { $0.listenKey < $1.listenKey })
    }

    /// The table without the routes of `deployment` (all of them, or only those of `instances`).
    package func removing(deployment: String, instances: Set<String>? = nil) -> ProxyRouteTable {
        ProxyRouteTable(routes: routes.filter { !($0.deployment == deployment && (instances?.contains($0.instance) ?? true)) })
    }

    /// The routes of one instance.
    package func routes(prefix: String, instance: String) -> [ProxyRoute] {
        routes.filter { $0.prefix == prefix && $0.instance == instance }
    }

    /// The upstream of each listening address.
    package var upstreams: [String: UInt16] {
        Dictionary(routes.map { ($0.listenKey, $0.upstreamPort) }, uniquingKeysWith: { _, last in last })
    }

    // MARK: The file

    /// `<directory>/routes.json`; an absent file is an empty table. A file that does not decode is
    /// an error naming it (the proxy keeps what it serves).
    package static func load(directory: String) throws -> ProxyRouteTable {
        let path = directory + "/routes.json"
        guard let data = FileManager.default.contents(atPath: path) else { return ProxyRouteTable() }
        do {
            return try JSONDecoder().decode(ProxyRouteTable.self, from: data)
        } catch {
            throw PortProxyError.badRoutes(path: path, reason: "\(error)")
        }
    }

    /// Writes `<directory>/routes.json` (0600) through a temporary file and a rename.
    package func save(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(self)
        let path = directory + "/routes.json"
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw PortProxyError.io("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw PortProxyError.io("cannot rename \(temporary) to \(path): errno \(errno)") }
    }
}
