import CoxswainCore

/// The rules of products: a simple product is one hidden rolling version; a complex one has any
/// number of versions; simple converts to complex and never back.
public enum ProductRules {
    /// Why a version of `kind` cannot be added to a product of `productKind` that has
    /// `existingVersions` versions, or nil. (A new version starts as a copy of the product's default
    /// version, and the first version of a product becomes its default.)
    public static func newVersionRefusal(productKind: ProductKind, existingVersions: Int, kind: VersionKind) -> DeliveryRefusal? {
        guard productKind == .simple else { return nil }
        if existingVersions > 0 { return .simpleProductHasOneVersion }
        return kind == .rolling ? nil : .simpleProductIsRolling
    }

    /// Whether converting `from` into `to` changes anything (false when it is already that kind);
    /// throws when it is not allowed. Converting a simple product makes its hidden rolling version an
    /// ordinary, visible one, which stays the default.
    public static func conversion(from: ProductKind, to: ProductKind) throws(DeliveryRefusal) -> Bool {
        switch (from, to) {
        case (.simple, .complex): return true
        case (.complex, .simple): throw .cannotConvertToSimple
        case (.simple, .simple), (.complex, .complex): return false
        }
    }
}
