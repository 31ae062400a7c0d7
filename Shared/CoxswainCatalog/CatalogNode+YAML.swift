import CoxswainTemplating
import Yams

extension CatalogNode {
    /// Converts a composed YAML node the way PyYAML's `safe_load` (Directord's reader) reads
    /// it: YAML 1.1 scalars (`yes`/`no`/`on`/`off` are booleans; `~` and an empty value are
    /// null; quoted scalars are always text; timestamps stay text), anchors and aliases
    /// expanded, and `<<` merge keys applied (keys written in the map win over merged ones,
    /// and an earlier merged map wins over a later one).
    ///
    /// - Parameters:
    ///   - node: The composed node.
    ///   - file: Names the file in origins.
    ///   - directory: The absolute folder of the file.
    /// - Throws: ``CatalogError/structure(_:_:)`` for a map key that is a list or a map, or a
    ///   `<<` whose value is not a map or a list of maps.
    init(yaml node: Node, file: String, directory: String) throws(CatalogError) {
        let origin = CatalogOrigin(file: file, line: node.mark?.line)
        switch node {
        case .scalar(let scalar):
            self.init(content: .scalar(Self.scalar(scalar)), origin: origin, directory: directory)
        case .sequence(let sequence):
            var items: [CatalogNode] = []
            for item in sequence { items.append(try CatalogNode(yaml: item, file: file, directory: directory)) }
            self.init(content: .list(items), origin: origin, directory: directory)
        case .mapping(let mapping):
            var written: [Entry] = []
            var merged: [Entry] = []
            for (keyNode, valueNode) in mapping {
                let keyOrigin = CatalogOrigin(file: file, line: keyNode.mark?.line ?? origin.line)
                guard case .scalar(let keyScalar) = keyNode else {
                    throw .structure(keyOrigin, "a map key must be a word, not a list or a map")
                }
                if Tag.Name(rawValue: keyNode.tag.rawValue) == .merge {
                    merged += try Self.mergeEntries(valueNode, at: keyOrigin, file: file, directory: directory)
                    continue
                }
                let value = try CatalogNode(yaml: valueNode, file: file, directory: directory)
                written.append(Entry(key: keyScalar.string, keyOrigin: keyOrigin, value: value))
            }
            var entries: [Entry] = []
            for entry in merged where !written.contains(where: { $0.key == entry.key }) && !entries.contains(where: { $0.key == entry.key }) {
                entries.append(entry)
            }
            self.init(content: .map(entries + written), origin: origin, directory: directory)
        case .alias(let alias):
            // Yams expands aliases while composing; an unexpanded one has nothing to read.
            self.init(
                content: .scalar(Scalar(text: "", value: .null)), origin: CatalogOrigin(file: file, line: alias.mark?.line), directory: directory)
        }
    }

    /// The entries a `<<` key brings in, in priority order.
    private static func mergeEntries(_ node: Node, at origin: CatalogOrigin, file: String, directory: String) throws(CatalogError) -> [Entry] {
        let problem = "'<<' must merge a map or a list of maps (an alias such as '<<: *defaults')"
        switch node {
        case .mapping:
            return try CatalogNode(yaml: node, file: file, directory: directory).entries ?? []
        case .sequence(let sequence):
            var entries: [Entry] = []
            for item in sequence {
                guard case .mapping = item else { throw .structure(origin, problem) }
                entries += try CatalogNode(yaml: item, file: file, directory: directory).entries ?? []
            }
            return entries
        default:
            throw .structure(origin, problem)
        }
    }

    private static func scalar(_ scalar: Node.Scalar) -> Scalar {
        let text = scalar.string
        let value: TemplateValue
        switch Tag.Name(rawValue: Node.scalar(scalar).tag.rawValue) {
        case .null:
            value = .null
        case .bool:
            value = Bool.construct(from: scalar).map(TemplateValue.bool) ?? .string(text)
        case .int:
            if let number = Int.construct(from: scalar) {
                value = .int(number)
            } else {
                value = Double.construct(from: scalar).map(TemplateValue.double) ?? .string(text)
            }
        case .float:
            value = Double.construct(from: scalar).map(TemplateValue.double) ?? .string(text)
        default:
            value = .string(text)
        }
        return Scalar(text: text, value: value)
    }
}
