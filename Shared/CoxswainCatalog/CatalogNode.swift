import CoxswainTemplating

/// One value of a bootstrap catalog, as read from YAML, with the place that wrote it.
///
/// Unlike a plain JSON-like value, every node keeps its ``origin`` (file and line) and the
/// folder of its file, so that after several catalog files are merged a job still knows where
/// it came from and where its relative `ADD` sources start. Maps keep their keys in the order
/// written.
package struct CatalogNode: Sendable, Equatable {
    /// A scalar as written and as YAML (read like PyYAML's `safe_load`) resolves it.
    package struct Scalar: Sendable, Equatable {
        /// The scalar's text exactly as YAML gives it (`"0755"`, `"yes"`, `""` for an empty value).
        package var text: String
        /// The resolved value: `.string`, `.int`, `.double`, `.bool` or `.null`.
        package var value: TemplateValue

        /// A scalar with its text and resolved value.
        package init(text: String, value: TemplateValue) {
            self.text = text
            self.value = value
        }
    }

    /// One `key: value` pair of a map.
    package struct Entry: Sendable, Equatable {
        /// The key, with the `directord_` spelling of a top-level section already replaced by
        /// the `coxswain_` one.
        package var key: String
        /// The key as written in the first file that defined it (`directord_clients`).
        package var spelling: String
        /// Where the key was written.
        package var keyOrigin: CatalogOrigin
        /// The value.
        package var value: CatalogNode

        /// An entry whose key is spelled as `key` unless `spelling` says otherwise.
        package init(key: String, spelling: String? = nil, keyOrigin: CatalogOrigin, value: CatalogNode) {
            self.key = key
            self.spelling = spelling ?? key
            self.keyOrigin = keyOrigin
            self.value = value
        }
    }

    /// The shape and content of a node.
    package enum Content: Sendable, Equatable {
        /// A scalar (text, number, boolean or null).
        case scalar(Scalar)
        /// An ordered list.
        case list([CatalogNode])
        /// A map, in the order its keys were written.
        case map([Entry])
    }

    /// What the node holds.
    package var content: Content
    /// Where the node was written.
    package var origin: CatalogOrigin
    /// The absolute folder of the file that wrote the node; relative `ADD` sources start here.
    package var directory: String

    /// A node with its content, origin and file folder.
    package init(content: Content, origin: CatalogOrigin, directory: String) {
        self.content = content
        self.origin = origin
        self.directory = directory
    }

    /// An empty map node, e.g. the catalog before any file is merged in.
    package static func emptyMap(origin: CatalogOrigin, directory: String) -> CatalogNode {
        CatalogNode(content: .map([]), origin: origin, directory: directory)
    }

    /// Whether the node is a YAML null (`~`, `null`, or an empty value).
    package var isNull: Bool {
        if case .scalar(let scalar) = content, scalar.value == .null { return true }
        return false
    }

    /// The entries of a map node; `nil` for lists and scalars.
    package var entries: [Entry]? {
        if case .map(let entries) = content { return entries }
        return nil
    }

    /// The value of `key` in a map node (the last one written, should a key repeat).
    package subscript(key: String) -> CatalogNode? {
        entries?.last { $0.key == key }?.value
    }

    /// The text of a non-null scalar as written; `nil` for null, lists and maps.
    package var scalarText: String? {
        if case .scalar(let scalar) = content, scalar.value != .null { return scalar.text }
        return nil
    }

    /// The node as a template value: maps become (unordered) maps, scalars their resolved value.
    package var templateValue: TemplateValue {
        switch content {
        case .scalar(let scalar):
            return scalar.value
        case .list(let items):
            return .list(items.map(\.templateValue))
        case .map(let entries):
            var values: [String: TemplateValue] = [:]
            for entry in entries { values[entry.key] = entry.value.templateValue }
            return .map(values)
        }
    }

    /// "a list", "a map", "an empty value" or "the value 'x'", for messages.
    package var shapeDescription: String {
        switch content {
        case .scalar(let scalar): scalar.value == .null ? "an empty value" : "the value '\(scalar.text)'"
        case .list: "a list"
        case .map: "a map"
        }
    }
}
