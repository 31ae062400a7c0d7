/// What can go wrong between the Deployer and its port proxy. Descriptions are safe to log and say
/// what to do.
package enum PortProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `routes.json` does not decode.
    case badRoutes(path: String, reason: String)
    /// A file or socket operation failed.
    case io(String)
    /// The proxy did not answer on its control socket after being started.
    case notRunning(String)
    /// The proxy could not listen on some addresses: listening address → reason.
    case cannotListen([String: String])

    package var description: String {
        switch self {
        case .badRoutes(let path, let reason): "the port proxy's routes in \(path) do not decode (\(reason)); remove the file and deploy again"
        case .io(let what): "port proxy: \(what)"
        case .notRunning(let why): "the node's port proxy is not running: \(why) (see proxy/proxy.log in the state directory)"
        case .cannotListen(let failures):
            "the port proxy cannot listen on "
                + failures.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        }
    }
}
