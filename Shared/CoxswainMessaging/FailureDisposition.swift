import CoxswainCore
@_exported import CoxswainRuntime

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
