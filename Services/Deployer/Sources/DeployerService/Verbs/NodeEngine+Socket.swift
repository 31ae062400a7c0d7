import AsyncHTTPClient
import CoxswainContainerEngine
import Logging

extension NodeEngine {
    /// The engine a job uses: the one at `socketPath` (a job's `--socket-path`) when given, else
    /// the node's. A named socket is used even when the node found no engine of its own; the
    /// failure of the node's own names the socket it tried.
    func engine(socketPath: String?) -> Result<ContainerEngine, Unavailable> {
        guard let socketPath else { return client }
        switch client {
        case .success(let engine):
            return .success(engine.atSocket(socketPath))
        case .failure:
            // No client of its own: the shared HTTP client (its 90 s read timeout bounds an idle answer).
            var logger = Logger(label: "coxswain.deployer.engine")
            logger.logLevel = .notice
            return .success(ContainerEngine(socketPath: socketPath, httpClient: .shared, logger: logger))
        }
    }
}
