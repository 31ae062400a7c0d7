import Foundation

/// Why the Gateway could not be reached, as one sentence for the operator:
/// `cannot reach the Gateway at http://127.0.0.1:28080: connection refused` or
/// `cannot reach the Gateway on /run/coxswain/gateway.sock: no such file — is the platform running? (make run)`.
package enum GatewayUnreachable {
    /// The sentence for a failed request to `endpoint`.
    package static func sentence(_ endpoint: GatewayEndpoint, error: any Error) -> String {
        let reason = Self.reason(String(describing: error))
        switch endpoint {
        case .socket(let path):
            let hint =
                switch reason {
                case "no such file", "connection refused": " — is the platform running? (make run; or set --socket or COXSWAIN_SOCKET)"
                case "permission denied": " — is your user in the Gateway's socket group?"
                default: ""
                }
            return "cannot reach the Gateway on \(path): \(reason)\(hint)"
        case .http(let base, _), .session(let base, _):
            return "cannot reach the Gateway at \(base): \(reason)"
        }
    }

    /// A short reason from a transport error's text (errno names, NIO and AsyncHTTPClient
    /// error descriptions); the text itself when none is recognised.
    package static func reason(_ text: String) -> String {
        let lower = text.lowercased()
        let known: [(needles: [String], reason: String)] = [
            (["connection refused", "econnrefused", "errno: 111"], "connection refused"),
            (["no such file", "enoent", "errno: 2)", "errno: 2,"], "no such file"),
            (["permission denied", "eacces", "errno: 13"], "permission denied"),
            (["connecttimeout", "connect timeout", "timed out", "etimedout", "deadlineexceeded"], "timed out"),
            (["name or service not known", "nodename nor servname", "unknown host", "could not resolve", "getaddrinfo"], "unknown host name"),
            (["network is unreachable", "enetunreach", "no route to host", "ehostunreach"], "network unreachable"),
            (["connection reset", "econnreset", "remoteconnectionclosed", "connection closed"], "the connection was closed"),
            (["ssl", "tls", "certificate", "handshake"], "TLS failed (\(text))"),
        ]
        for entry in known where entry.needles.contains(where: lower.contains) { return entry.reason }
        return text
    }
}
