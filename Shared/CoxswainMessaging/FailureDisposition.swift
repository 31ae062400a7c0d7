import CoxswainCore

/// What a consumer does with a message whose handler failed: requeue it after a back-off
/// (the failure is about the world: a database or broker unreachable, a serialization conflict,
/// a commit whose outcome is unknown) or dead-letter it (the failure is about the message: no
/// retry can ever make it succeed).
package enum FailureDisposition: Equatable, Sendable {
    case retry
    case deadLetter(reason: String)

    /// Classifies an error: ``PoisonMessage`` and errors that say so through
    /// ``FailureClassifying`` are dead-lettered; everything else is retried.
    package init(_ error: any Error) {
        if let poison = error as? PoisonMessage {
            self = .deadLetter(reason: poison.reason)
        } else if let classified = error as? any FailureClassifying, let reason = classified.poisonReason {
            self = .deadLetter(reason: reason)
        } else if error is UndecodableMessage {
            self = .deadLetter(reason: "\(error)")
        } else {
            self = .retry
        }
    }
}

/// Thrown by a handler for a message that can never be processed (bad data, a refused sender).
package struct PoisonMessage: Error, CustomStringConvertible, Equatable {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
    package var description: String { reason }
}

/// An error type that knows whether it is about the message (poison) or about the world.
/// The store conforms PostgreSQL's errors: data exceptions and constraint violations are poison.
package protocol FailureClassifying: Error {
    /// Why the message can never succeed, or nil when a retry may.
    var poisonReason: String? { get }
}
