import Hummingbird
import Logging
import NIOCore

/// Request context that knows which listener a request came in on (the UNIX socket or HTTP).
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// True for requests on the UNIX socket: local operators, trusted by the socket's mode and group.
    package let viaSocket: Bool
    /// The connection (for the socket peer's credentials).
    package let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        viaSocket = source.channel.localAddress?.pathname != nil
    }
}
