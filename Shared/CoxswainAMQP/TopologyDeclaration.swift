/// Exchanges, queues and bindings that a connection declares after every (re)connect,
/// in that order.
package struct TopologyDeclaration: Sendable {
    /// Exchanges, declared first.
    package var exchanges: [ExchangeDeclaration]
    /// Queues, declared second.
    package var queues: [QueueDeclaration]
    /// Bindings, declared last.
    package var bindings: [BindingDeclaration]

    /// Nothing to declare.
    package static let empty = TopologyDeclaration()

    /// Creates a topology.
    package init(exchanges: [ExchangeDeclaration] = [], queues: [QueueDeclaration] = [], bindings: [BindingDeclaration] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// `true` if there is nothing to declare.
    package var isEmpty: Bool { exchanges.isEmpty && queues.isEmpty && bindings.isEmpty }

    /// This topology plus the declarations of `other` that it does not have yet (order kept).
    package func merging(_ other: TopologyDeclaration) -> TopologyDeclaration {
        func union<T: Hashable>(_ a: [T], _ b: [T]) -> [T] {
            var seen = Set<T>()
            return (a + b).filter { seen.insert($0).inserted }
        }
        return TopologyDeclaration(
            exchanges: union(exchanges, other.exchanges),
            queues: union(queues, other.queues),
            bindings: union(bindings, other.bindings)
        )
    }
}
