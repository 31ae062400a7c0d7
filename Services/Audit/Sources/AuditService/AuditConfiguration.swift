import CoxswainConfig

/// Every key the Audit service reads (see the service README).
package struct AuditConfiguration: Sendable {
    package var common: CommonConfiguration
    /// The master key opens webhook URLs (they are secrets, stored sealed).
    package var security: SecurityConfiguration
    /// `audit.batch_size`: most events appended in one statement. Default 500.
    package var batchSize: Int
    /// `audit.prefetch`: unacknowledged events in flight. Default 1000.
    package var prefetch: Int
    /// `audit.retention`: records older than this are pruned (hourly), keeping an anchor so each
    /// team's chain stays verifiable. Default 365 days.
    package var retention: Duration
    /// `notifications.allow_private_targets`: also send webhooks to loopback, private,
    /// link-local and other internal addresses (receivers on the platform's own networks).
    /// Default false: such targets are refused, so a webhook cannot reach internal services.
    package var allowPrivateTargets: Bool

    package static let keys: [(key: String, help: String)] =
        CommonConfiguration.keys + SecurityConfiguration.keys + [
            ("audit.batch_size", "events per insert (default 500)"),
            ("audit.prefetch", "unacknowledged events in flight (default 1000)"),
            ("audit.retention", "prune records older than this, keeping an anchor (default 365d as 8760h)"),
            ("notifications.allow_private_targets", "also send webhooks to loopback, private and link-local addresses (default false)"),
        ]

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        common = try CommonConfiguration(config, needsDatabase: true)
        security = try SecurityConfiguration(config)
        batchSize = try config.int("audit.batch_size", default: 500, range: 1...10_000)
        prefetch = try config.int("audit.prefetch", default: 1000, range: 1...65_535)
        retention = try config.duration("audit.retention", default: .seconds(365 * 86400), minimum: .seconds(60))
        allowPrivateTargets = try config.bool("notifications.allow_private_targets", default: false)
    }
}
