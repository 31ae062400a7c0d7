import CoxswainCore
import Foundation

/// A container configuration as lines for people: one per value, under the field path the
/// effective configuration's provenance uses (`environment.PORT`, `ports.8080/tcp`, `volumes./data`,
/// `healthCheck`), so that `deployment show --effective` can name the layer of each.
package enum ConfigListing {
    /// One value and its field path.
    package struct Entry: Sendable, Equatable {
        package var path: String
        package var value: String
        package init(_ path: String, _ value: String) {
            self.path = path
            self.value = value
        }
    }

    package static func entries(_ c: ContainerConfig) -> [Entry] {
        var out: [Entry] = []
        if let name = c.name { out.append(Entry("name", name)) }
        for (key, value) in (c.environment ?? [:]).sorted(by: { $0.key < $1.key }) { out.append(Entry("environment.\(key)", value)) }
        for name in c.secrets ?? [] { out.append(Entry("secrets.\(name)", "(secret: its value is set per deployment)")) }
        for p in c.ports ?? [] { out.append(Entry("ports.\(p.key)", port(p))) }
        for r in c.portRanges ?? [] { out.append(Entry("portRanges.\(r.key)", range(r))) }
        for v in c.volumes ?? [] { out.append(Entry("volumes.\(v.containerPath)", volume(v))) }
        if let networks = c.networks { out.append(Entry("networks", networks.joined(separator: ", "))) }
        if let mode = c.networkMode { out.append(Entry("networkMode", mode.rawValue)) }
        if let restart = c.restartPolicy { out.append(Entry("restartPolicy", restart.description)) }
        for (key, value) in (c.labels ?? [:]).sorted(by: { $0.key < $1.key }) { out.append(Entry("labels.\(key)", value)) }
        if let command = c.command { out.append(Entry("command", words(command))) }
        if let args = c.args { out.append(Entry("args", words(args))) }
        if let user = c.user { out.append(Entry("user", user)) }
        if let dir = c.workingDirectory { out.append(Entry("workingDirectory", dir)) }
        if let tty = c.tty { out.append(Entry("tty", String(tty))) }
        if let log = c.log {
            let options = (log.options ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            out.append(Entry("log", ([log.driver] + options).joined(separator: " ")))
        }
        if let memory = c.memoryBytes { out.append(Entry("memoryBytes", "\(memory) (\(String(format: "%.1f", Double(memory) / 1_048_576)) MiB)")) }
        if let cpus = c.nanoCPUs { out.append(Entry("nanoCPUs", "\(cpus) (\(String(format: "%.2f", Double(cpus) / 1e9)) CPUs)")) }
        if let check = c.healthCheck { out.append(Entry("healthCheck", healthCheck(check))) }
        if let expected = c.expectedState {
            let code = expected.exitCode.map { " with code \($0)" } ?? ""
            out.append(
                Entry(
                    "expectedState",
                    "\(expected.state.rawValue)\(code) within \(expected.timeoutSeconds ?? ContainerConfig.ExpectedState.defaultTimeoutSeconds) s"))
        }
        if let inits = c.initContainers { out.append(Entry("initContainers", inits.map { "\($0.name) (\($0.image))" }.joined(separator: ", "))) }
        if let caps = c.capabilities {
            let text = [caps.add.map { "add " + $0.joined(separator: ",") }, caps.drop.map { "drop " + $0.joined(separator: ",") }].compactMap { $0 }
            out.append(Entry("capabilities", text.joined(separator: "; ")))
        }
        return out
    }

    /// FIELD VALUE, with FROM (the layer) when `layers` is given.
    package static func table(_ entries: [Entry], layers: [String: ConfigLayer]?) -> String {
        guard !entries.isEmpty else { return "(no configuration)" }
        guard let layers else { return Render.table(["FIELD", "VALUE"], entries.map { [$0.path, $0.value] }) }
        return Render.table(["FIELD", "VALUE", "FROM"], entries.map { [$0.path, $0.value, layers[$0.path]?.rawValue ?? "-"] })
    }

    /// `25580:8080/tcp,9000-9009/udp` (published ones with their node port).
    static func ports(_ c: ContainerConfig) -> String {
        ((c.ports ?? []).map(port) + (c.portRanges ?? []).map(range)).joined(separator: ",")
    }

    /// A few words on what else is configured: `2 env, 1 secret, 1 volume, health, on-failure:3`.
    static func summary(_ c: ContainerConfig) -> String {
        func count(_ n: Int?, _ noun: String) -> String? { n.flatMap { $0 == 0 ? nil : "\($0) \(noun)" } }
        let parts = [
            count(c.environment?.count, "env"), count(c.secrets?.count, c.secrets?.count == 1 ? "secret" : "secrets"),
            count(c.volumes?.count, c.volumes?.count == 1 ? "volume" : "volumes"), c.healthCheck.map { _ in "health" }, c.restartPolicy?.description,
            c.networkMode.map { "network \($0.rawValue)" },
        ]
        return parts.compactMap { $0 }.joined(separator: ", ")
    }

    static func port(_ p: ContainerConfig.Port) -> String {
        let address = p.hostIP.map { $0.contains(":") ? "[\($0)]:" : "\($0):" } ?? ""
        return p.external.map { "\(address)\($0):\(p.internal)/\(p.proto.rawValue)" } ?? "\(p.internal)/\(p.proto.rawValue) (not published)"
    }

    static func range(_ r: ContainerConfig.PortRange) -> String {
        let inside = "\(r.internal.from)-\(r.internal.to)"
        let address = r.hostIP.map { $0.contains(":") ? "[\($0)]:" : "\($0):" } ?? ""
        return r.external.map { "\(address)\($0.from)-\($0.to):\(inside)/\(r.proto.rawValue)" } ?? "\(inside)/\(r.proto.rawValue) (not published)"
    }

    static func volume(_ v: ContainerConfig.Volume) -> String {
        let source = v.name ?? v.hostPath ?? "(anonymous)"
        return "\(source):\(v.containerPath)\(v.readOnly == true ? ":ro" : "")"
    }

    static func healthCheck(_ h: ContainerConfig.HealthCheck) -> String {
        var text = h.test.first == "CMD-SHELL" ? h.test.dropFirst().joined(separator: " ") : words(h.test)
        let timings = [
            h.intervalSeconds.map { "every \($0)s" }, h.timeoutSeconds.map { "timeout \($0)s" }, h.retries.map { "\($0) retries" },
            h.startPeriodSeconds.map { "start period \($0)s" },
        ].compactMap { $0 }
        if !timings.isEmpty { text += " (\(timings.joined(separator: ", ")))" }
        return text
    }

    /// Words joined by spaces, a word with spaces or quotes in single quotes.
    static func words(_ list: [String]) -> String {
        list.map { word in
            word.isEmpty || word.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" })
                ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
        }.joined(separator: " ")
    }
}
