import ArgumentParser
import CoxswainConfig
import CoxswainCore
import CoxswainObservability
import DeployerService
import Logging

/// `coxswain-deployer`: the node agent.
@main
struct DeployerMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coxswain-deployer",
        abstract: "Coxswain Deployer: the node agent. Runs task batches from its node queue, heartbeats, reports signed results.",
        discussion: configurationHelp(DeployerConfiguration.keys)
    )

    @OptionGroup var options: ServiceOptions

    @Option(help: "Node name (key deployer.node_name).") var nodeName: String?
    @Option(help: "Machine id (key deployer.machine_id).") var machineID: String?
    @Option(help: "State directory (key deployer.state_dir).") var stateDir: String?
    @Option(help: "Labels k=v,k2=v2 (key deployer.labels).") var labels: String?
    @Option(help: "One-time enrolment token from `coxswain node add` (key deployer.enrol_token).") var enrolToken: String?
    @Option(help: "Gateway to enrol with: http://host:port or unix:///path (key deployer.gateway_url).") var gatewayURL: String?
    @Flag(help: "Enrol (keys, broker credentials) and exit without running.") var enrolOnly = false
    @Flag(
        help:
            "Discard this node's keys and broker credentials and enrol again with the enrolment token (offline re-key; args, envs and the job cache are kept).")
    var reenrol = false
    @Flag(help: "Run the node's port proxy for --state-dir (the agent starts it itself; it serves deployments' published TCP ports).")
    var portProxy = false

    func run() async throws {
        if portProxy {
            guard let stateDir else { throw ValidationError("--port-proxy needs --state-dir") }
            LoggingBootstrap.bootstrap(level: .info)
            try await PortProxyServer.run(stateDirectory: stateDir, logger: Logger(label: "coxswain.port-proxy"))
            return
        }
        let reader = try await options.reader(adding: [
            "deployer.node_name": nodeName, "deployer.machine_id": machineID, "deployer.state_dir": stateDir, "deployer.labels": labels,
            "deployer.enrol_token": enrolToken, "deployer.gateway_url": gatewayURL,
        ])
        let configuration = try DeployerConfiguration(reader)
        LoggingBootstrap.bootstrap(level: configuration.common.logLevel, format: configuration.common.logFormat)
        let logger = Logger(label: "coxswain.deployer")
        if reenrol {
            guard configuration.enrolToken != nil else {
                throw ValidationError("--reenrol needs an enrolment token (--enrol-token or COXSWAIN_DEPLOYER_ENROL_TOKEN)")
            }
            try NodeIdentity.discard(directory: configuration.stateDirectory)
            logger.notice("node keys and credentials discarded; enrolling again")
        }
        if enrolOnly {
            let identity = try await DeployerApp.enrolledIdentity(configuration: configuration, logger: logger)
            print("node \(configuration.nodeName) enrolled in team \(identity.credentials?.teamID ?? "?")")
            return
        }
        do {
            let observability = Observability.bootstrap(service: "deployer", version: CoxswainVersion.current)
            try await DeployerApp.build(configuration: configuration, observability: observability, logger: logger).run()
        } catch {
            if "\(error)".contains("login") {
                // Exit 78 (EX_CONFIG): the supervisor should not restart a node whose broker user is gone.
                logger.critical(
                    "the broker refuses this node's credentials (removed, or re-enrolled elsewhere): enrol again with `coxswain node add` and --reenrol")
                throw ExitCode(78)
            }
            throw error
        }
    }
}
