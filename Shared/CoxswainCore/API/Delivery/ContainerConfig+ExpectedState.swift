extension ContainerConfig {
    /// What a good start looks like: running (and healthy, when there is a health check), or exited
    /// with a given code (a one-shot container), within a timeout.
    public struct ExpectedState: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable, CaseIterable {
            case running
            case exited
        }

        public var state: State
        /// The exit code `exited` expects, 0 when nil; not allowed with `running`.
        public var exitCode: Int?
        /// Seconds to reach the state, 120 when nil.
        public var timeoutSeconds: Int?

        public init(state: State, exitCode: Int? = nil, timeoutSeconds: Int? = nil) {
            self.state = state
            self.exitCode = exitCode
            self.timeoutSeconds = timeoutSeconds
        }

        /// Running, within the default timeout.
        public static let `default` = ExpectedState(state: .running)
        public static let defaultTimeoutSeconds = 120

        /// The time allowed to reach the state.
        public var timeout: Duration { .seconds(timeoutSeconds ?? Self.defaultTimeoutSeconds) }
    }
}
