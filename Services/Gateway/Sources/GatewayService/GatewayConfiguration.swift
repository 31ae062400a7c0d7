import CoxswainConfig
import CoxswainCore
import Foundation

/// Every key the Gateway reads (see the service README).
package struct GatewayConfiguration: Sendable {
    package var common: CommonConfiguration
    package var security: SecurityConfiguration
    /// `amqp.management_url` (secret): RabbitMQ management API `http://user:password@host:port`, to
    /// create per-node broker users at enrolment. Without it nodes cannot enrol.
    package var managementURL: String?
    /// `gateway.node_broker_url`: the broker address nodes connect to (`amqp://host:port/vhost`,
    /// no credentials). Default: the host, port and vhost of `amqp.url`.
    package var nodeBrokerURL: String?
    /// `gateway.local_team` / `gateway.local_role`: who a UNIX socket peer acts as. Default: owner of `default`.
    package var localTeam: String
    package var localRole: Role
    /// `gateway.session_ttl`: login sessions expire after this. Default 12h.
    package var sessionTTL: Duration
    /// `gateway.enrolment_ttl`: node enrolment tokens expire after this. Default 1h.
    package var enrolmentTTL: Duration
    /// `gateway.socket_path`: the UNIX socket for local operators. Default /run/coxswain/gateway.sock. Empty disables it.
    package var socketPath: String?
    /// `gateway.socket_mode`: octal file mode of the socket. Default 0660.
    package var socketMode: Int
    /// `gateway.socket_group`: group owning the socket (who may connect). Default: unchanged.
    package var socketGroup: String?
    /// `gateway.http_host`: HTTP listen address. Default 127.0.0.1.
    package var httpHost: String
    /// `gateway.http_port`: HTTP port; 0 disables HTTP. Default 8080.
    package var httpPort: Int
    /// `gateway.tls_certificate` / `gateway.tls_key`: PEM files of the certificate (chain) and its
    /// private key; with both the HTTP port serves HTTPS. Default: none (plain HTTP, loopback only).
    package var tlsCertificatePath: String?
    package var tlsKeyPath: String?
    /// `gateway.allow_plain_http`: serve plain HTTP on an address that is not loopback (behind a
    /// TLS-terminating proxy on the same host, say). Default false: such a configuration is refused.
    package var allowPlainHTTP: Bool
    /// `gateway.max_request_bytes`: largest accepted request body. Default 256 KiB.
    package var maxRequestBytes: Int
    /// `gateway.max_artifact_bytes`: largest ADD/COPY or bootstrap artifact. Default 1 GiB.
    package var maxArtifactBytes: Int
    /// `gateway.publish_timeout`: how long a submission waits for the broker before it is refused. Default 10s.
    package var publishTimeout: Duration
    /// `gateway.max_password_hashes`: Argon2id hashes or verifications (64 MiB and a thread each)
    /// running at once; four times as many wait, beyond that clients get 429. Default 2.
    package var maxPasswordHashes: Int
    /// `gateway.login_rate_per_minute`: login and invitation attempts per client address and per
    /// user name per minute; beyond that 429 with `Retry-After`. Default 10.
    package var loginRatePerMinute: Int
    /// `gateway.http_idle_timeout`: a connection that sends nothing for this long (also in the
    /// middle of a request) is closed; responses being written (event streams) are not cut. Default 30s.
    package var httpIdleTimeout: Duration
    /// `notifications.allow_private_targets`: accept webhook URLs whose host is or resolves to a
    /// loopback, private, link-local or other internal address. Default false.
    package var allowPrivateTargets: Bool

    package static let keys: [(key: String, help: String)] =
        CommonConfiguration.keys + SecurityConfiguration.keys + [
            ("amqp.management_url", "RabbitMQ management API http://user:password@host:port (secret; needed to enrol nodes)"),
            ("gateway.node_broker_url", "broker address given to nodes, amqp://host:port/vhost (default: from amqp.url)"),
            ("gateway.local_team", "team a UNIX socket peer acts in (default 'default')"),
            ("gateway.local_role", "role of a UNIX socket peer (default owner)"),
            ("gateway.session_ttl", "login session lifetime (default 12h)"),
            ("gateway.enrolment_ttl", "node enrolment token lifetime (default 1h)"),
            ("gateway.socket_path", "UNIX socket path (default /run/coxswain/gateway.sock; empty disables)"),
            ("gateway.socket_mode", "octal mode of the socket (default 0660)"),
            ("gateway.socket_group", "group owning the socket (default unchanged)"),
            ("gateway.http_host", "HTTP listen address (default 127.0.0.1)"),
            ("gateway.http_port", "HTTP port, 0 disables (default 8080)"),
            ("gateway.tls_certificate", "PEM certificate (chain) file: the HTTP port serves HTTPS (with gateway.tls_key)"),
            ("gateway.tls_key", "PEM private key file of gateway.tls_certificate (keep it 0600)"),
            ("gateway.allow_plain_http", "serve plain HTTP on a non-loopback http_host, e.g. behind a TLS proxy (default false)"),
            ("gateway.max_request_bytes", "largest request body (default 262144)"),
            ("gateway.max_artifact_bytes", "largest ADD/COPY or bootstrap artifact upload (default 1073741824)"),
            ("gateway.publish_timeout", "broker wait before a submission is refused (default 10s)"),
            ("gateway.max_password_hashes", "password hashes/verifications at once, 64 MiB each; more wait or get 429 (default 2)"),
            ("gateway.login_rate_per_minute", "login attempts per client address and per user name per minute (default 10)"),
            ("gateway.http_idle_timeout", "close connections silent this long, also mid-request (default 30s)"),
            ("notifications.allow_private_targets", "accept webhooks to loopback, private and link-local addresses (default false)"),
        ]

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        common = try CommonConfiguration(config, needsDatabase: true)
        security = try SecurityConfiguration(config)
        managementURL = config.string("amqp.management_url")
        nodeBrokerURL = config.string("gateway.node_broker_url")
        localTeam = config.string("gateway.local_team", default: "default")
        let role = config.string("gateway.local_role", default: "owner")
        guard let parsedRole = Role(rawValue: role) else {
            throw .invalidValue(key: "gateway.local_role", reason: "'\(role)' is not one of viewer, member, admin, owner")
        }
        localRole = parsedRole
        sessionTTL = try config.duration("gateway.session_ttl", default: .seconds(12 * 3600), minimum: .seconds(60))
        enrolmentTTL = try config.duration("gateway.enrolment_ttl", default: .seconds(3600), minimum: .seconds(10))
        let socket = config.string("gateway.socket_path", default: "/run/coxswain/gateway.sock")
        socketPath = socket == "none" ? nil : socket
        let modeText = config.string("gateway.socket_mode", default: "0660")
        guard let mode = Int(modeText, radix: 8), (0...0o777).contains(mode) else {
            throw .invalidValue(key: "gateway.socket_mode", reason: "'\(modeText)' is not an octal file mode like 0660")
        }
        socketMode = mode
        socketGroup = config.string("gateway.socket_group")
        httpHost = config.string("gateway.http_host", default: "127.0.0.1")
        httpPort = try config.int("gateway.http_port", default: 8080, range: 0...65_535)
        tlsCertificatePath = config.string("gateway.tls_certificate").flatMap { $0.isEmpty ? nil : $0 }
        tlsKeyPath = config.string("gateway.tls_key").flatMap { $0.isEmpty ? nil : $0 }
        allowPlainHTTP = try config.bool("gateway.allow_plain_http", default: false)
        switch (tlsCertificatePath, tlsKeyPath) {
        case (nil, nil):
            // Plain HTTP carries passwords, sessions and tokens in clear: loopback only, unless told.
            if httpPort != 0, !allowPlainHTTP, !Self.isLoopback(httpHost) {
                throw .invalidValue(
                    key: "gateway.http_host",
                    reason: "'\(httpHost)' is not a loopback address and plain HTTP would send passwords and tokens in clear: "
                        + "set gateway.tls_certificate and gateway.tls_key (HTTPS), or gateway.allow_plain_http=true behind a TLS proxy")
            }
        case (_?, nil): throw .invalidValue(key: "gateway.tls_key", reason: "gateway.tls_certificate is set: the private key's PEM file is needed too")
        case (nil, _?): throw .invalidValue(key: "gateway.tls_certificate", reason: "gateway.tls_key is set: the certificate's PEM file is needed too")
        case (_?, _?): break
        }
        maxRequestBytes = try config.int("gateway.max_request_bytes", default: 256 * 1024, range: 1024...(64 << 20))
        maxArtifactBytes = try config.int("gateway.max_artifact_bytes", default: 1 << 30, range: 1024...(16 << 30))
        publishTimeout = try config.duration("gateway.publish_timeout", default: .seconds(10), minimum: .milliseconds(100))
        maxPasswordHashes = try config.int("gateway.max_password_hashes", default: 2, range: 1...64)
        loginRatePerMinute = try config.int("gateway.login_rate_per_minute", default: 10, range: 1...100_000)
        httpIdleTimeout = try config.duration("gateway.http_idle_timeout", default: .seconds(30), minimum: .milliseconds(100))
        guard httpIdleTimeout <= .seconds(86_400) else { throw .invalidValue(key: "gateway.http_idle_timeout", reason: "must be at most 24h") }
        allowPrivateTargets = try config.bool("notifications.allow_private_targets", default: false)
    }

    /// Whether the HTTP port serves HTTPS (`gateway.tls_certificate` and `gateway.tls_key` set).
    package var servesHTTPS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    /// Whether `host` is a loopback listen address: `localhost`, 127.0.0.0/8 or ::1.
    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" || h.hasPrefix("127.")
    }
}
