import CoxswainCore

/// The parent → child links between a product's incremental versions (a version made by increasing
/// another has it as parent). Rolling versions have no links. Read from the store, so it is not
/// trusted to be a chain: walks stop at a cycle instead of looping.
public struct VersionLineage: Sendable, Equatable {
    /// Child → parent.
    public private(set) var parents: [VersionID: VersionID]

    public init(parents: [VersionID: VersionID] = [:]) {
        self.parents = parents
    }

    /// A chain in order, oldest first: each version the parent of the next.
    public init(chain: [VersionID]) {
        var parents: [VersionID: VersionID] = [:]
        for (parent, child) in zip(chain, chain.dropFirst()) { parents[child] = parent }
        self.parents = parents
    }

    public func parent(of version: VersionID) -> VersionID? { parents[version] }

    /// The versions `version` was increased from, nearest first.
    public func ancestors(of version: VersionID) -> [VersionID] {
        var found: [VersionID] = []
        var seen: Set<VersionID> = [version]
        var current = version
        while let parent = parents[current], seen.insert(parent).inserted {
            found.append(parent)
            current = parent
        }
        return found
    }

    /// The versions increased from `version`, directly or not, nearest first.
    public func descendants(of version: VersionID) -> [VersionID] {
        var children: [VersionID: [VersionID]] = [:]
        for (child, parent) in parents.sorted(by: { $0.key < $1.key }) { children[parent, default: []].append(child) }
        var found: [VersionID] = []
        var seen: Set<VersionID> = [version]
        var queue = [version]
        var next = 0
        while next < queue.count {
            for child in children[queue[next]] ?? [] where seen.insert(child).inserted {
                found.append(child)
                queue.append(child)
            }
            next += 1
        }
        return found
    }

    /// Whether some version was increased from `version`.
    public func hasChild(_ version: VersionID) -> Bool { parents.values.contains(version) }
}
