import ArgumentParser
import CoxswainConfig
import CoxswainCore
import CoxswainObservability
import GatewayService
import Logging

/// `coxswain-gateway`: the API on a UNIX socket and HTTP.
@main
struct GatewayMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coxswain-gateway",
        abstract: "Coxswain Gateway: the /v1 API on a UNIX socket and on HTTP; accepts jobs, streams their events.",
        discussion: configurationHelp(GatewayConfiguration.keys)
    )

    @OptionGroup var options: ServiceOptions

    @Option(help: "UNIX socket path, or 'none' (key gateway.socket_path).") var socketPath: String?
    @Option(help: "HTTP listen address (key gateway.http_host).") var httpHost: String?
    @Option(help: "HTTP port, 0 disables (key gateway.http_port).") var httpPort: String?
    @Option(help: "PEM certificate file: the HTTP port serves HTTPS (key gateway.tls_certificate).") var tlsCertificate: String?
    @Option(help: "PEM private key file of the certificate (key gateway.tls_key).") var tlsKey: String?
    @Flag(help: "Print the API's OpenAPI 3.1 document (GET /v1/openapi.json) and exit; nothing is started.") var printOpenapi = false

    func run() async throws {
        if printOpenapi {
            print(String(decoding: try OpenAPIDocument.json(), as: UTF8.self))
            return
        }
        let reader = try await options.reader(adding: [
            "gateway.socket_path": socketPath, "gateway.http_host": httpHost, "gateway.http_port": httpPort,
            "gateway.tls_certificate": tlsCertificate, "gateway.tls_key": tlsKey,
        ])
        let configuration = try GatewayConfiguration(reader)
        LoggingBootstrap.bootstrap(level: configuration.common.logLevel, format: configuration.common.logFormat)
        let logger = Logger(label: "coxswain.gateway")
        let observability = Observability.bootstrap(service: "gateway", version: CoxswainVersion.current)
        try await GatewayApp.build(configuration: configuration, observability: observability, logger: logger).run()
    }
}
