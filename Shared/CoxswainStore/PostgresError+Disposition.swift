import CoxswainRuntime
import PostgresNIO

/// PostgreSQL errors for the consumer loops: a statement the server refuses because of the data
/// (SQLSTATE class 22 data exception, 23 integrity violation, 42 invalid statement, 54 limits)
/// is poison; connection loss, shutdown (57P01), serialization failures and deadlocks (40…) are retried.
extension PSQLError: FailureClassifying {
    package var poisonReason: String? {
        guard code == .server, let state = serverInfo?[.sqlState] else { return nil }
        guard let poison = ["22", "23", "42", "54"].first(where: state.hasPrefix) else { return nil }
        let message = serverInfo?[.message] ?? "refused by the database"
        return "database refused the message's data (SQLSTATE \(state), class \(poison)): \(message)"
    }
}

extension PostgresTransactionError: FailureClassifying {
    package var poisonReason: String? {
        for error in [closureError, beginError, commitError].compactMap({ $0 }) {
            if let reason = (error as? any FailureClassifying)?.poisonReason { return reason }
            if let poison = error as? PoisonMessage { return poison.reason }
        }
        return nil
    }
}
