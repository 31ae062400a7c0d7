extension CatalogNode {
    /// This node with `later` merged into it, as Directord merged catalog files: maps are
    /// merged key by key (recursively), lists are extended (the later items after these), and
    /// anything else is replaced by the later value.
    ///
    /// A merged map keeps this node's origin and key order, with the later map's new keys
    /// appended; every item keeps its own origin, so merged jobs still name their file.
    package func merged(with later: CatalogNode) -> CatalogNode {
        switch (content, later.content) {
        case (.map(let base), .map(let additions)):
            var result = base
            for entry in additions {
                if let index = result.firstIndex(where: { $0.key == entry.key }) {
                    result[index].value = result[index].value.merged(with: entry.value)
                } else {
                    result.append(entry)
                }
            }
            return CatalogNode(content: .map(result), origin: origin, directory: directory)
        case (.list(let base), .list(let additions)):
            return CatalogNode(content: .list(base + additions), origin: origin, directory: directory)
        default:
            return later
        }
    }
}
