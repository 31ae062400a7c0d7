import Hummingbird
import Logging
import NIOCore

/// Request context that knows which listener a request came in on (the UNIX socket or HTTP).
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// True for requests on the UNIX socket: local operators, trusted by the socket's mode and group.
    package let viaSocket: Bool

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        viaSocket = source.channel.localAddress?.pathname != nil
    }

    /// Who made the request, as recorded on jobs and in the audit log.
    package var actor: String { viaSocket ? "local-socket" : "http" }
}
