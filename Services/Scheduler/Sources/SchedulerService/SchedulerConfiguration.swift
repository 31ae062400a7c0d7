import CoxswainConfig
import CoxswainCore

/// Every key the Scheduler reads (see the service README).
package struct SchedulerConfiguration: Sendable {
    package var common: CommonConfiguration
    package var security: SecurityConfiguration
    /// `scheduler.sweep_interval`: how often timeouts, liveness and stranded work are checked. Default 1s.
    package var sweepInterval: Duration
    /// `scheduler.offline_after_missed`: heartbeats a node may miss before it is marked offline. Default 3.
    package var offlineAfterMissedHeartbeats: Int
    /// `scheduler.result_grace`: extra time past a task's timeout before the Scheduler gives up on its result. Default 30s.
    package var resultGrace: Duration
    /// `scheduler.stranded_after`: age after which undispatched work is (re)dispatched by the sweeper. Default 3s.
    package var strandedAfter: Duration
    /// `scheduler.batch_size`: most results/heartbeats written in one transaction. Default 500.
    package var batchSize: Int
    /// `scheduler.prefetch`: unacknowledged messages per queue. Default 512.
    package var prefetch: Int
    /// `scheduler.job_retention`: finished jobs (and their tasks) older than this are deleted. Default 30 days (720h).
    package var jobRetention: Duration

    package static let keys: [(key: String, help: String)] =
        CommonConfiguration.keys + SecurityConfiguration.keys + [
            ("scheduler.sweep_interval", "how often timeouts, liveness and stranded work are checked (default 1s)"),
            ("scheduler.offline_after_missed", "heartbeats a node may miss before it is offline (default 3)"),
            ("scheduler.result_grace", "extra wait past a task's timeout before it is failed (default 30s)"),
            ("scheduler.stranded_after", "age after which undispatched work is re-dispatched (default 3s)"),
            ("scheduler.batch_size", "results/heartbeats per transaction (default 500)"),
            ("scheduler.prefetch", "unacknowledged messages per queue (default 512)"),
            ("scheduler.job_retention", "delete finished jobs and bootstrap runs, and artifacts nothing refers to, older than this (default 720h = 30 days)"),
        ]

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        common = try CommonConfiguration(config, needsDatabase: true)
        security = try SecurityConfiguration(config)
        sweepInterval = try config.duration("scheduler.sweep_interval", default: .seconds(1), minimum: .milliseconds(50))
        offlineAfterMissedHeartbeats = try config.int("scheduler.offline_after_missed", default: 3, range: 1...1000)
        resultGrace = try config.duration("scheduler.result_grace", default: .seconds(30))
        strandedAfter = try config.duration("scheduler.stranded_after", default: .seconds(3), minimum: .milliseconds(100))
        batchSize = try config.int("scheduler.batch_size", default: 500, range: 1...10_000)
        prefetch = try config.int("scheduler.prefetch", default: 512, range: 1...65_535)
        jobRetention = try config.duration("scheduler.job_retention", default: .seconds(30 * 86400), minimum: .seconds(1))
    }
}
