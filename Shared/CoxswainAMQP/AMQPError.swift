/// Everything that can go wrong in the AMQP client. Descriptions are safe to log: they never
/// contain a password, and they say what the operator should check.
package enum AMQPError: Error, Equatable, CustomStringConvertible {
    /// The broker URL could not be parsed; the reason never repeats the password.
    case invalidURL(String)
    /// The TCP connection could not be opened, or broke (socket error, heartbeat timeout).
    case connectionFailed(String)
    /// The broker refused the login or the vhost (the text is the broker's, without the password).
    case loginFailed(String)
    /// The broker closed the whole connection (for example 320 CONNECTION_FORCED on shutdown).
    case connectionClosed(code: Int, text: String)
    /// The broker closed the channel (for example 404 NOT_FOUND for a missing exchange,
    /// 406 PRECONDITION_FAILED for a queue redeclared with other settings).
    case channelClosed(code: Int, text: String)
    /// The broker nacked a published message: it could not take responsibility for it.
    case nacked
    /// The publisher or consumer has been shut down.
    case shutdown

    /// `true` if retrying later (after a reconnect) may succeed; `false` for configuration
    /// errors that need an operator.
    package var isRetriable: Bool {
        switch self {
        case .connectionFailed, .nacked:
            true
        case .connectionClosed(let code, _):
            // 403 ACCESS_REFUSED and 530 NOT_ALLOWED need new credentials or permissions.
            code != 403 && code != 530
        case .channelClosed(let code, _):
            // 403 ACCESS_REFUSED, 404 NOT_FOUND, 405 RESOURCE_LOCKED, 406 PRECONDITION_FAILED:
            // the same request fails the same way again.
            ![403, 404, 405, 406].contains(code)
        case .invalidURL, .loginFailed, .shutdown:
            false
        }
    }

    /// A message for operators.
    package var description: String {
        switch self {
        case .invalidURL(let reason):
            "invalid AMQP URL: \(reason)"
        case .connectionFailed(let reason):
            "AMQP connection failed: \(reason); check that the broker is running and reachable"
        case .loginFailed(let reason):
            "AMQP login refused: \(reason); check the user, password, vhost and the user's permissions"
        case .connectionClosed(let code, let text):
            "AMQP connection closed by the broker: \(code) \(text)"
        case .channelClosed(let code, let text):
            "AMQP channel closed by the broker: \(code) \(text)"
        case .nacked:
            "the broker nacked a published message (it could not store it); retry the publish"
        case .shutdown:
            "the AMQP client has been shut down"
        }
    }
}
