extension ContainerConfig {
    /// The engine's health check, as Docker defines it.
    public struct HealthCheck: Codable, Sendable, Equatable {
        /// `["CMD", "curl", "-f", "http://localhost/"]`, `["CMD-SHELL", "curl -f http://localhost/"]`,
        /// or `["NONE"]` to turn off the image's own check.
        public var test: [String]
        public var intervalSeconds: Int?
        public var timeoutSeconds: Int?
        /// Failures in a row before the container is unhealthy.
        public var retries: Int?
        /// Failures during this time after start do not count.
        public var startPeriodSeconds: Int?

        public init(test: [String], intervalSeconds: Int? = nil, timeoutSeconds: Int? = nil, retries: Int? = nil, startPeriodSeconds: Int? = nil) {
            self.test = test
            self.intervalSeconds = intervalSeconds
            self.timeoutSeconds = timeoutSeconds
            self.retries = retries
            self.startPeriodSeconds = startPeriodSeconds
        }

        public var interval: Duration? { intervalSeconds.map { .seconds($0) } }
        public var timeout: Duration? { timeoutSeconds.map { .seconds($0) } }
        public var startPeriod: Duration? { startPeriodSeconds.map { .seconds($0) } }
    }
}
