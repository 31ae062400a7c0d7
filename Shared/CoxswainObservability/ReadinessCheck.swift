/// One named readiness condition: `problem()` is nil when met, otherwise why not.
package struct ReadinessCheck: Sendable {
    package let name: String
    package let problem: @Sendable () async -> String?

    package init(_ name: String, problem: @escaping @Sendable () async -> String?) {
        self.name = name
        self.problem = problem
    }

    /// `migrations`: the database schema is migrated (the service's migration gate opened).
    package static func migrations(applied: @escaping @Sendable () -> Bool) -> ReadinessCheck {
        ReadinessCheck("migrations") { applied() ? nil : "not applied yet" }
    }

    /// `database`: the database answers (`problem` from the service's periodic probe).
    package static func database(problem: @escaping @Sendable () async -> String?) -> ReadinessCheck {
        ReadinessCheck("database", problem: problem)
    }
}
