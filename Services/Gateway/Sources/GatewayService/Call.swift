import CoxswainCore
import HTTPTypes
import Hummingbird

/// One request to a public route (no principal: it carries its own credential or none).
struct PublicCall {
    let request: Request
    let context: GatewayRequestContext
    /// The client's `X-Request-ID`, or a new one; it goes into the audit records.
    let requestID: String

    /// A path parameter of the route (`:id`, `:digest`, …).
    func parameter(_ name: String) -> String? { context.parameters.get(name) }
}

/// One authenticated request, whose principal has at least the route's least role.
struct Call {
    let request: Request
    let context: GatewayRequestContext
    let principal: Principal
    let requestID: String

    /// A path parameter of the route (`:id`, `:name`, …).
    func parameter(_ name: String) -> String? { context.parameters.get(name) }

    /// The `Last-Event-ID` a reconnecting event-stream client sends.
    var lastEventID: String? { request.headers[HTTPField.Name("Last-Event-ID")!] }
}
