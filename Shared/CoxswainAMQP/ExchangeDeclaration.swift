/// An exchange to declare (idempotently) on every connect.
package struct ExchangeDeclaration: Sendable, Hashable {
    /// Exchange name.
    package var name: String
    /// Exchange type.
    package var kind: ExchangeKind
    /// Survives a broker restart. Default `true`.
    package var durable: Bool

    /// Creates an exchange declaration.
    package init(name: String, kind: ExchangeKind, durable: Bool = true) {
        self.name = name
        self.kind = kind
        self.durable = durable
    }
}
