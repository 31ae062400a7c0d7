/// Thrown by a handler for a message that can never be processed (bad data, a refused sender).
package struct PoisonMessage: Error, CustomStringConvertible, Equatable {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
    package var description: String { reason }
}
