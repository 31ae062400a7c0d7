/// Everything that can go wrong when talking to the RabbitMQ management HTTP API.
///
/// Descriptions are safe to log: they never contain a password (the admin's nor a node's),
/// and they say what the operator should check.
package enum BrokerAdminError: Error, Equatable, CustomStringConvertible {
    /// The API answered with an unexpected HTTP status. `reason` names the request
    /// (`PUT /api/users/coxswain-node-web-1`) and the broker's own reason, with secrets redacted.
    case http(status: Int, reason: String)
    /// The API could not be reached (connection refused, timeout, TLS failure…).
    case unreachable(String)
    /// Bad input or configuration (management URL, node name) or an answer that could not be
    /// understood; the reason never repeats a password.
    case invalid(String)

    /// `true` if the same call may succeed later without an operator: the broker was
    /// unreachable, overloaded or restarting (HTTP 408, 429, 5xx). Authentication failures,
    /// missing vhosts and rejected requests need a fix first.
    package var isRetriable: Bool {
        switch self {
        case .http(let status, _):
            status == 408 || status == 429 || status >= 500
        case .unreachable:
            true
        case .invalid:
            false
        }
    }

    /// A message for operators.
    package var description: String {
        switch self {
        case .http(let status, let reason):
            "RabbitMQ management API answered \(status): \(reason); \(Self.advice(status))"
        case .unreachable(let reason):
            "RabbitMQ management API unreachable: \(reason); check that the broker runs with the management plugin and that the management URL is right"
        case .invalid(let reason):
            "RabbitMQ management: \(reason)"
        }
    }

    private static func advice(_ status: Int) -> String {
        switch status {
        case 401: "check the management user and password"
        case 403: "the management user needs the administrator tag"
        case 404: "check that the vhost exists (ensureVhost) and the names are right"
        case 400: "the broker rejected the request; check the vhost, user and permission patterns"
        case 408, 429: "the broker is busy; retry later"
        case 500...: "the broker failed; retry later and check its log"
        default: "unexpected answer"
        }
    }
}
