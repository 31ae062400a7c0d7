import ArgumentParser
import CoxswainConfig
import CoxswainCore
import CoxswainObservability
import Logging
import SchedulerService

/// `coxswain-scheduler`: plans and dispatches jobs, ingests results and heartbeats.
@main
struct SchedulerMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coxswain-scheduler",
        abstract: "Coxswain Scheduler: plans jobs, dispatches task batches to nodes, ingests results and heartbeats.",
        discussion: configurationHelp(SchedulerConfiguration.keys)
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let configuration = try SchedulerConfiguration(try await options.reader())
        LoggingBootstrap.bootstrap(level: configuration.common.logLevel, format: configuration.common.logFormat)
        let logger = Logger(label: "coxswain.scheduler")
        let observability = Observability.bootstrap(service: "scheduler", version: CoxswainVersion.current)
        try await SchedulerApp.build(configuration: configuration, observability: observability, logger: logger).run()
    }
}
