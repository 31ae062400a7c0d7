import CoxswainConfig
import Foundation

/// Every key the Bootstrapper reads (see the service README).
package struct BootstrapperConfiguration: Sendable {
    package var common: CommonConfiguration
    /// The master key opens stored SSH credentials and a run's `--key-file`.
    package var security: SecurityConfiguration
    /// `bootstrapper.key_file`: a private key used for hosts that name no credential, when the run
    /// brought none. Default: none.
    package var keyFile: String?
    /// `bootstrapper.known_hosts_file`: an OpenSSH known_hosts file trusted besides the team's
    /// keys in Postgres. Default `~/.ssh/known_hosts` (when it exists).
    package var knownHostsFile: String?
    /// `bootstrapper.connect_timeout`: TCP connect per address. Default 10s.
    package var connectTimeout: Duration
    /// `bootstrapper.command_timeout`: the longest one RUN may take. Default 1h.
    package var commandTimeout: Duration
    /// `bootstrapper.concurrent_runs`: runs executed at once. Default 4.
    package var concurrentRuns: Int
    /// `bootstrapper.max_get_bytes`: the largest file a GET brings back. Default 256 MiB.
    package var maxGetBytes: Int
    /// `bootstrapper.enrolment_ttl`: lifetime of the enrolment tokens a run mints. Default 1h.
    package var enrolmentTTL: Duration
    /// `bootstrapper.lease`: how long a run stays claimed by a Bootstrapper that stopped renewing
    /// it (it died) before another resumes it. Renewed every third of that. Default 60s.
    package var lease: Duration

    package static let keys: [(key: String, help: String)] =
        CommonConfiguration.keys + SecurityConfiguration.keys + [
            ("bootstrapper.key_file", "private key for hosts with no credential when the run brought none (default: none)"),
            ("bootstrapper.known_hosts_file", "OpenSSH known_hosts file trusted besides the team's keys (default ~/.ssh/known_hosts)"),
            ("bootstrapper.connect_timeout", "TCP connect timeout per address (default 10s)"),
            ("bootstrapper.command_timeout", "longest single RUN (default 1h)"),
            ("bootstrapper.concurrent_runs", "runs executed at once (default 4)"),
            ("bootstrapper.max_get_bytes", "largest file a GET brings back (default 268435456)"),
            ("bootstrapper.enrolment_ttl", "lifetime of the node enrolment tokens a run mints (default 1h)"),
            ("bootstrapper.lease", "a dead Bootstrapper's run is resumed elsewhere after this (default 60s)"),
        ]

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        common = try CommonConfiguration(config, needsDatabase: true)
        security = try SecurityConfiguration(config)
        keyFile = config.string("bootstrapper.key_file")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        knownHostsFile = config.string("bootstrapper.known_hosts_file", default: home + "/.ssh/known_hosts")
        connectTimeout = try config.duration("bootstrapper.connect_timeout", default: .seconds(10), minimum: .milliseconds(100))
        commandTimeout = try config.duration("bootstrapper.command_timeout", default: .seconds(3600), minimum: .seconds(1))
        concurrentRuns = try config.int("bootstrapper.concurrent_runs", default: 4, range: 1...64)
        maxGetBytes = try config.int("bootstrapper.max_get_bytes", default: 256 << 20, range: 1...(1 << 34))
        enrolmentTTL = try config.duration("bootstrapper.enrolment_ttl", default: .seconds(3600), minimum: .seconds(60))
        lease = try config.duration("bootstrapper.lease", default: .seconds(60), minimum: .seconds(3))
    }
}
