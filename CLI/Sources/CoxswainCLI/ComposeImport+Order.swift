import CoxswainCore
import Yams

extension ComposeImport {
    /// The services so that each comes after the ones it depends on, otherwise in file order. A
    /// dependency on a service the file does not have, or a cycle, is a problem naming the services.
    static func rolloutOrder(_ services: [Service], file: YAMLFile, node: Node) throws(YAMLFileError) -> [Service] {
        let keys = Set(services.map(\.service))
        for service in services {
            if let missing = service.dependsOn.first(where: { !keys.contains($0) }) {
                throw file.problem(node, "services.\(service.service).depends_on", "'\(missing)' is not a service of the file")
            }
        }
        var placed: [Service] = []
        var done: Set<String> = []
        var remaining = services
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { $0.dependsOn.allSatisfy(done.contains) }) else {
                throw file.problem(node, "services", "depends_on forms a cycle: \(cycle(in: remaining).joined(separator: " → "))")
            }
            let service = remaining.remove(at: next)
            done.insert(service.service)
            placed.append(service)
        }
        return placed
    }

    /// One cycle among services that all wait for one another: `a → b → a`.
    static func cycle(in services: [Service]) -> [String] {
        let edges = Dictionary(services.map { ($0.service, $0.dependsOn) }, uniquingKeysWith: { first, _ in first })
        var path: [String] = []
        var current = services[0].service
        while !path.contains(current) {
            path.append(current)
            // Every remaining service has a dependency that is still remaining.
            guard let next = edges[current]?.first(where: { edges[$0] != nil }) else { return path }
            current = next
        }
        return Array(path[path.firstIndex(of: current)!...]) + [current]
    }

    /// The team registry each service's image comes from: `forced` for all (its host must be the
    /// image's, when the image names one), else the registry whose host is the image's (Docker Hub
    /// for an image without a host), the one with the longest matching path when several are.
    package static func assignRegistries(_ services: [Service], registries: [RegistryInfo], forced: String?) -> Result<[ProductFile.ImageEntry], Problem> {
        var entries: [ProductFile.ImageEntry] = []
        for service in services {
            let reference = service.reference
            let host = reference.host ?? "docker.io"
            func matches(_ registry: RegistryInfo) -> Bool {
                // A registry without a host (images already on the nodes) is only used when named.
                guard let registryHost = registry.host else { return false }
                return registryHost == host || (hubHosts.contains(registryHost) && hubHosts.contains(host))
            }
            let registry: RegistryInfo
            if let forced {
                guard let chosen = registries.first(where: { $0.name == forced }) else {
                    return .failure(Problem("the team has no registry '\(forced)' (coxswain registry list)"))
                }
                if reference.host != nil, !matches(chosen) {
                    return .failure(
                        Problem("service \(service.service): image \(reference) is on \(host), registry \(forced) on \(chosen.host ?? "the nodes")"))
                }
                registry = chosen
            } else {
                let candidates = registries.filter(matches).filter { r in r.pathPrefix.map { reference.repository.hasPrefix($0 + "/") } ?? true }
                guard let best = candidates.max(by: { ($0.pathPrefix?.count ?? 0) < ($1.pathPrefix?.count ?? 0) }) else {
                    return .failure(
                        Problem(
                            "service \(service.service): no team registry is at \(host) for \(reference); add one (coxswain registry add) or give --registry"))
                }
                registry = best
            }
            let config = service.config == ContainerConfig() ? nil : service.config
            entries.append(ProductFile.ImageEntry(name: service.name, registry: registry.name, image: reference.repository, tag: reference.tag, config: config))
        }
        return .success(entries)
    }

    static let hubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]
}
