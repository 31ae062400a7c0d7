import CoxswainContainerEngine
import CoxswainCore
import Foundation

extension DeploymentRollout {
    /// What the node refuses in this rollout before it touches the engine (empty when nothing):
    /// the task is signed, but the node still checks every value itself. `secrets` is the task's
    /// opened secret environment: every secret a configuration names must have its value there,
    /// and a registry key must hold credentials. Never traps, whatever the values.
    func nodeProblems(secrets: [String: String]) -> [String] {
        var problems: [String] = []
        if tryNumber < 1 { problems.append("tryNumber: \(tryNumber) is not a try number (1 or more)") }
        let id = deployment.rawValue
        if id.isEmpty || id.utf8.count > 64 || !id.unicodeScalars.allSatisfy(Self.isIDCharacter) {
            problems.append("deployment: not a deployment id (letters, digits and '-', at most 64)")
        }
        for (field, value) in [("team", team), ("product", product), ("version", version)] where !Self.isLabelValue(value) {
            problems.append("\(field): not a label value (1 to 255 printable characters)")
        }
        guard action == .deploy else { return problems }
        if instances.count > ContainerConfig.maximumItems { problems.append("instances: at most \(ContainerConfig.maximumItems)") }
        var seen: Set<String> = []
        for instance in instances.prefix(ContainerConfig.maximumItems) {
            problems += instance.nodeProblems(prefix: prefix, secrets: secrets, seen: &seen)
        }
        return problems
    }

    private static func isIDCharacter(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "-"
    }

    /// 1 to 255 bytes, no control characters: safe as a label value and in a list filter.
    static func isLabelValue(_ value: String) -> Bool {
        (1...255).contains(value.utf8.count) && !value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

extension RolloutInstance {
    /// What the node refuses in one instance; `seen` collects the names so far (they must differ).
    fileprivate func nodeProblems(prefix: DeploymentPrefix, secrets: [String: String], seen: inout Set<String>) -> [String] {
        let label = ContainerOperation.isDNSLabel(name) ? name : "?"
        let at = "instances[\(label)]"
        var problems: [String] = []
        if !ContainerOperation.isDNSLabel(name) {
            problems.append("\(at).name: '\(name.prefix(64))' is not a DNS label (lowercase letters, digits and '-', 1 to 63)")
        } else if !seen.insert(name).inserted {
            problems.append("\(at).name: '\(name)' is twice in the rollout")
        } else if case .failure(let error) = Result(catching: { try ContainerNaming.containerName(prefix: prefix.rawValue, name: name) }) {
            problems.append("\(at).name: \(error)")
        }
        if case .failure(let error) = Result(catching: { try ImageReference(parsing: image) }) { problems.append("\(at).image: \(error)") }
        problems += config.problems(at: at).map(\.description)
        for (i, initContainer) in (config.initContainers ?? []).enumerated() {
            if case .failure(let error) = Result(catching: { try ImageReference(parsing: initContainer.image) }) {
                problems.append("\(at).initContainers[\(i)].image: \(error)")
            }
        }
        if config.networkMode == .host,
            config.ports?.contains(where: { $0.external != nil }) == true || config.portRanges?.contains(where: { $0.external != nil }) == true
        {
            problems.append("\(at).ports: no published ports with networkMode host (the container uses the node's ports directly)")
        }
        for secret in config.secrets ?? [] where secrets[RolloutInstance.secretKey(secret)] == nil {
            problems.append("\(at).secrets: '\(secret.prefix(64))' has no value in the task (set it on the deployment)")
        }
        if let key = registryAuthKey {
            if let json = secrets[key] {
                if (try? JSONDecoder().decode(RegistryAuth.self, from: Data(json.utf8))) == nil {
                    problems.append(
                        "\(at).registryAuthKey: the task's secret '\(key.prefix(64))' is not registry credentials (username, password, serverAddress)")
                }
            } else {
                problems.append("\(at).registryAuthKey: the task has no secret '\(key.prefix(64))' (the registry's credentials)")
            }
        }
        return problems
    }

    /// The registry credentials of ``registryAuthKey`` in the task's secrets (checked before).
    func registryCredentials(secrets: [String: String]) -> RegistryCredentials? {
        guard let key = registryAuthKey, let json = secrets[key], let auth = try? JSONDecoder().decode(RegistryAuth.self, from: Data(json.utf8)) else {
            return nil
        }
        return RegistryCredentials(auth)
    }
}
