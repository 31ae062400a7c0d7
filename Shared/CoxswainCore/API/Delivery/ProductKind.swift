/// How a product is released (dyrector.io's versionless and versioned projects).
public enum ProductKind: String, Codable, Sendable, CaseIterable {
    /// One hidden rolling version: the product is its own version. Can become `complex`.
    case simple
    /// Any number of rolling and incremental versions, one of them the default.
    case complex
}
