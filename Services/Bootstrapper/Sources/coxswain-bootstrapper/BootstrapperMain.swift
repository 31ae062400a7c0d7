import ArgumentParser
import BootstrapperService
import CoxswainConfig
import CoxswainCore
import CoxswainObservability
import Logging

/// `coxswain-bootstrapper`: runs bootstrap catalogs over SSH.
@main
struct BootstrapperMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coxswain-bootstrapper",
        abstract: "Coxswain Bootstrapper: runs bootstrap catalogs over SSH (servers one by one, then clients in parallel).",
        discussion: configurationHelp(BootstrapperConfiguration.keys)
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let configuration = try BootstrapperConfiguration(try await options.reader())
        LoggingBootstrap.bootstrap(level: configuration.common.logLevel, format: configuration.common.logFormat)
        let logger = Logger(label: "coxswain.bootstrapper")
        let observability = Observability.bootstrap(service: "bootstrapper", version: CoxswainVersion.current)
        try await BootstrapperApp.build(configuration: configuration, observability: observability, logger: logger).run()
    }
}
