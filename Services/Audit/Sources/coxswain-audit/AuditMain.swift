import ArgumentParser
import AuditService
import CoxswainConfig
import CoxswainCore
import CoxswainObservability
import Logging

/// `coxswain-audit`: appends every event to the audit log in Postgres.
@main
struct AuditMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coxswain-audit",
        abstract: "Coxswain Audit: appends every event to the audit log in PostgreSQL, in batches.",
        discussion: configurationHelp(AuditConfiguration.keys)
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let configuration = try AuditConfiguration(try await options.reader())
        LoggingBootstrap.bootstrap(level: configuration.common.logLevel, format: configuration.common.logFormat)
        let logger = Logger(label: "coxswain.audit")
        let observability = Observability.bootstrap(service: "audit", version: CoxswainVersion.current)
        try await AuditApp.build(configuration: configuration, observability: observability, logger: logger).run()
    }
}
