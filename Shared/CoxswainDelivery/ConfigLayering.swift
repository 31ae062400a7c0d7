import CoxswainCore

/// Merges a container's configuration layers, image → deployment → instance, the later winning,
/// field by field, and keeps the layer every value came from:
///
/// - `environment`, `labels`: per key;
/// - `secrets`: per name (the union of the layers' names);
/// - `ports`: per internal port and protocol (`8080/tcp`); `portRanges`: per internal range and
///   protocol (`9000-9009/udp`); `volumes`: per container path. A replaced item keeps its place,
///   new ones follow in layer order;
/// - every other field (including lists such as `command`, `networks`, `initContainers`, and
///   structures such as `healthCheck`, `log`, `capabilities`): as a whole, the last non-nil wins.
///
/// A layer cannot remove what a layer below set; it can only replace it.
public enum ConfigLayering {
    /// The effective configuration of one instance.
    public static func merge(image: ContainerConfig, deployment: ContainerConfig? = nil, instance: ContainerConfig? = nil) -> EffectiveConfig {
        var merger = Merger()
        merger.apply(image, from: .image)
        if let deployment { merger.apply(deployment, from: .deployment) }
        if let instance { merger.apply(instance, from: .instance) }
        return merger.effective
    }
}

private struct Merger {
    var effective = EffectiveConfig()

    mutating func apply(_ layer: ContainerConfig, from source: ConfigLayer) {
        whole(\.name, "name", layer, source)
        keyed(\.environment, "environment", layer, source)
        list(\.secrets, "secrets", key: { $0 }, layer, source)
        list(\.ports, "ports", key: \.key, layer, source)
        list(\.portRanges, "portRanges", key: \.key, layer, source)
        list(\.volumes, "volumes", key: \.containerPath, layer, source)
        whole(\.networks, "networks", layer, source)
        whole(\.networkMode, "networkMode", layer, source)
        whole(\.restartPolicy, "restartPolicy", layer, source)
        keyed(\.labels, "labels", layer, source)
        whole(\.command, "command", layer, source)
        whole(\.args, "args", layer, source)
        whole(\.user, "user", layer, source)
        whole(\.workingDirectory, "workingDirectory", layer, source)
        whole(\.tty, "tty", layer, source)
        whole(\.log, "log", layer, source)
        whole(\.memoryBytes, "memoryBytes", layer, source)
        whole(\.nanoCPUs, "nanoCPUs", layer, source)
        whole(\.healthCheck, "healthCheck", layer, source)
        whole(\.expectedState, "expectedState", layer, source)
        whole(\.initContainers, "initContainers", layer, source)
        whole(\.capabilities, "capabilities", layer, source)
    }

    /// The layer's value, if it has one, replaces the value below.
    mutating func whole<Value>(_ field: WritableKeyPath<ContainerConfig, Value?>, _ path: String, _ layer: ContainerConfig, _ source: ConfigLayer) {
        guard let value = layer[keyPath: field] else { return }
        effective.config[keyPath: field] = value
        effective.provenance[path] = source
    }

    /// Each of the layer's keys replaces that key below.
    mutating func keyed(_ field: WritableKeyPath<ContainerConfig, [String: String]?>, _ path: String, _ layer: ContainerConfig, _ source: ConfigLayer) {
        guard let values = layer[keyPath: field] else { return }
        var merged = effective.config[keyPath: field] ?? [:]
        for (key, value) in values {
            merged[key] = value
            effective.provenance["\(path).\(key)"] = source
        }
        effective.config[keyPath: field] = merged
    }

    /// Each of the layer's items replaces the item with the same key below, in its place; new keys follow.
    mutating func list<Item>(
        _ field: WritableKeyPath<ContainerConfig, [Item]?>, _ path: String, key: (Item) -> String, _ layer: ContainerConfig, _ source: ConfigLayer
    ) {
        guard let items = layer[keyPath: field] else { return }
        var merged = effective.config[keyPath: field] ?? []
        var index: [String: Int] = [:]
        for (i, item) in merged.enumerated() { index[key(item)] = i }
        for item in items {
            let k = key(item)
            if let i = index[k] {
                merged[i] = item
            } else {
                index[k] = merged.count
                merged.append(item)
            }
            effective.provenance["\(path).\(k)"] = source
        }
        effective.config[keyPath: field] = merged
    }
}
