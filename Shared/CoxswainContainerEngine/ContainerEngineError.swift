/// Everything that can go wrong when talking to a container engine (Podman or dockerd) through
/// the Docker Engine API, or when building names and references for it.
///
/// Descriptions are safe to log: they never contain registry passwords or tokens, and they say
/// what the operator should check.
package enum ContainerEngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The engine socket could not be reached (missing file, connection refused, no permission).
    case engineUnreachable(socket: String, reason: String)
    /// No engine socket was configured and none of the default sockets exists.
    case noEngineFound(tried: [String])
    /// The call did not finish within its time limit.
    case timedOut(operation: String, after: Duration)
    /// A container, image, network, volume or exec instance does not exist (HTTP 404).
    case notFound(kind: String, name: String)
    /// The engine refused the call because of the object's state (HTTP 409): a name already in
    /// use, a container that is not running, an image in use.
    case conflict(operation: String, message: String)
    /// The registry refused the credentials (or none were given) for this image.
    case unauthorized(registry: String, image: String)
    /// The registry has no such repository or tag.
    case imageNotFound(image: String, tag: String)
    /// Pulling the image failed for another reason; `message` is the engine's.
    case pullFailed(image: String, tag: String, message: String)
    /// Pushing the image failed; `message` is the engine's.
    case pushFailed(image: String, tag: String, message: String)
    /// The engine answered with an unexpected HTTP status; `message` is the engine's own.
    case http(status: Int, operation: String, message: String)
    /// The engine's answer could not be understood.
    case invalidResponse(operation: String, reason: String)
    /// A container name (or one of its parts) breaks the naming rules.
    case invalidName(String, reason: String)
    /// An image reference breaks the reference grammar.
    case invalidImageReference(String, reason: String)
    /// A request could not be built from the given values (for example a label that is not UTF-8).
    case invalidRequest(operation: String, reason: String)
    /// The call needs Podman's libpod API (pods, `play kube`, TLS choices per pull), and the engine
    /// behind `socket` is another one (`engine`: its kind and version, such as `docker 20.10.24`).
    case libpodUnavailable(socket: String, engine: String, feature: String)

    /// `true` if the same call may succeed later without a fix: the engine was unreachable,
    /// slow or failing (5xx), or the registry failed. Missing objects, conflicts, bad
    /// credentials and invalid names need a change first.
    package var isRetriable: Bool {
        switch self {
        case .engineUnreachable, .timedOut, .pullFailed, .pushFailed:
            true
        case .http(let status, _, _):
            status == 408 || status == 429 || status >= 500
        case .noEngineFound, .notFound, .conflict, .unauthorized, .imageNotFound, .invalidResponse, .invalidName,
            .invalidImageReference, .invalidRequest, .libpodUnavailable:
            false
        }
    }

    /// A message for operators.
    package var description: String {
        switch self {
        case .engineUnreachable(let socket, let reason):
            "container engine unreachable at \(socket): \(reason); check that Podman (podman system service) or dockerd runs and listens on that socket"
        case .noEngineFound(let tried):
            "no container engine socket found (tried \(tried.joined(separator: ", "))); install and start Podman or Docker, or configure the socket"
        case .timedOut(let operation, let after):
            "container engine call \(operation) did not finish within \(after); the engine may be overloaded or stuck"
        case .notFound(let kind, let name):
            "\(kind) \(name) not found in the container engine"
        case .conflict(let operation, let message):
            "container engine refused \(operation): \(message)"
        case .unauthorized(let registry, let image):
            "registry \(registry) refused the credentials for \(image); check the registry user and password"
        case .imageNotFound(let image, let tag):
            "image \(image):\(tag) not found in its registry; check the repository and tag"
        case .pullFailed(let image, let tag, let message):
            "pull of \(image):\(tag) failed: \(message)"
        case .pushFailed(let image, let tag, let message):
            "push of \(image):\(tag) failed: \(message)"
        case .http(let status, let operation, let message):
            "container engine answered \(status) to \(operation): \(message)"
        case .invalidResponse(let operation, let reason):
            "container engine answer to \(operation) not understood: \(reason)"
        case .invalidName(let name, let reason):
            "invalid container name \"\(name)\": \(reason)"
        case .invalidImageReference(let reference, let reason):
            "invalid image reference \"\(reference)\": \(reason)"
        case .invalidRequest(let operation, let reason):
            "cannot build \(operation): \(reason)"
        case .libpodUnavailable(let socket, let engine, let feature):
            "\(feature) needs Podman's libpod API; the engine at \(socket) is \(engine), which does not serve it; run Podman (podman system service) on this node or point the job at Podman's socket"
        }
    }
}
