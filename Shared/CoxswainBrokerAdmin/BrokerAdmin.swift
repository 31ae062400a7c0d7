import AsyncHTTPClient
import CoxswainAMQP
import Foundation
import Logging

/// Manages RabbitMQ users and permissions through the management HTTP API, with administrator
/// credentials: the Gateway gives every node a broker user of its own at enrolment
/// (``grantNode(_:queue:eventsExchange:)``) and deletes it when the node is removed
/// (``revokeNode(_:)``).
///
/// It owns an `HTTPClient`: call ``shutdown()`` when done (or use
/// ``withBrokerAdmin(configuration:logger:_:)``). Every call is one or a few short HTTP
/// requests; nothing runs in the background. Errors are ``BrokerAdminError``s (or
/// `CancellationError`); no error or log line contains a password.
package final class BrokerAdmin: Sendable {
    private let configuration: BrokerAdminConfiguration
    private let logger: Logger
    private let client: HTTPClient
    /// `Basic …` header value. **Secret.**
    private let authorization: String

    /// Largest response body read (the connection list is the biggest answer).
    private static let maximumResponseBytes = 8 << 20

    /// Creates the administration client; nothing is sent until the first call.
    package init(configuration: BrokerAdminConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: BrokerAdminLogMetadata.endpoint] = "\(configuration.baseURL)"
        logger[metadataKey: BrokerAdminLogMetadata.vhost] = "\(configuration.vhost)"
        self.logger = logger
        let nanoseconds = Self.nanoseconds(configuration.requestTimeout)
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,  // never send the admin credentials anywhere else
            timeout: .init(connect: .nanoseconds(nanoseconds), read: .nanoseconds(nanoseconds)))
        clientConfiguration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        self.authorization = "Basic " + Data("\(configuration.user):\(configuration.password)".utf8).base64EncodedString()
    }

    /// Runs `body` with a new administration client and shuts it down afterwards, also when
    /// `body` throws.
    package static func withBrokerAdmin<Result: Sendable>(
        configuration: BrokerAdminConfiguration, logger: Logger, _ body: (BrokerAdmin) async throws -> Result
    ) async throws -> Result {
        let admin = BrokerAdmin(configuration: configuration, logger: logger)
        let result: Result
        do {
            result = try await body(admin)
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
        return result
    }

    /// Closes the HTTP client's connections. Call it exactly once, when done with this object
    /// (an `HTTPClient` that is not shut down traps when it is deallocated).
    package func shutdown() async {
        do {
            try await client.shutdown()
        } catch {
            logger.debug("broker admin HTTP client shutdown failed", metadata: [BrokerAdminLogMetadata.error: "\(error)"])
        }
    }

    // MARK: Vhost, users, permissions

    /// Creates the configured vhost if it does not exist (`PUT /api/vhosts/{vhost}`); the
    /// management user gets full permissions on a vhost it creates.
    package func ensureVhost() async throws {
        try await send(.put, ["vhosts", configuration.vhost], expecting: [201, 204])
    }

    /// Creates user `name`, or sets its password and tags if it exists (`PUT /api/users/{name}`).
    /// Connections already open with the old password stay open.
    ///
    /// - Parameter tags: Management tags (`administrator`, `monitoring`…); none for node users,
    ///   which then cannot use the management API at all.
    package func createUser(_ name: String, password: String, tags: [String] = []) async throws {
        try await send(
            .put, ["users", name], body: UserBody(password: password, tags: tags.joined(separator: ",")),
            expecting: [201, 204], secrets: [password])
    }

    /// Deletes user `name` with its permissions (`DELETE /api/users/{name}`). A missing user
    /// is fine. The user's open connections stay open: see ``closeConnections(user:)``.
    package func deleteUser(_ name: String) async throws {
        try await send(.delete, ["users", name], expecting: [204, 404])
    }

    /// Sets the user's permissions on the configured vhost
    /// (`PUT /api/permissions/{vhost}/{user}`): regular expressions of the resource names it
    /// may configure (declare, delete, bind), write (publish to, bind to) and read (consume,
    /// bind from). `"^$"` grants nothing.
    package func setPermissions(user: String, configure: String, write: String, read: String) async throws {
        try await send(
            .put, ["permissions", configuration.vhost, user], body: PermissionsBody(configure: configure, write: write, read: read),
            expecting: [201, 204])
    }

    /// Sets the user's topic permissions on `exchange` in the configured vhost
    /// (`PUT /api/topic-permissions/{vhost}/{user}`): regular expressions of the routing keys
    /// it may publish with (`write`) and bind with (`read`). Without topic permissions for an
    /// exchange, every routing key is allowed.
    package func setTopicPermissions(user: String, exchange: String, write: String, read: String) async throws {
        try await send(
            .put, ["topic-permissions", configuration.vhost, user],
            body: TopicPermissionsBody(exchange: exchange, write: write, read: read), expecting: [201, 204])
    }

    /// Closes every open connection of `user` (`GET /api/connections`, then
    /// `DELETE /api/connections/{name}`; the client gets 320 CONNECTION_FORCED) and returns how
    /// many it closed. The list comes from the broker's statistics, which lag by up to
    /// `collect_statistics_interval` (5 s by default; 3–4 s measured): a connection opened
    /// just before is missed.
    @discardableResult
    package func closeConnections(user: String) async throws -> Int {
        let (_, body) = try await perform(.get, ["connections"], query: "columns=name,user", expecting: [200])
        let connections: [ConnectionSummary]
        do {
            connections = try JSONDecoder().decode([ConnectionSummary].self, from: Data(body))
        } catch {
            throw BrokerAdminError.invalid("GET /api/connections: unexpected answer (\(error))")
        }
        var closed = 0
        for connection in connections where connection.user == user {
            let (status, _) = try await perform(
                .delete, ["connections", connection.name], headers: [("X-Reason", "Coxswain revoked broker user \(user)")],
                expecting: [204, 404])
            if status == 204 { closed += 1 }
        }
        return closed
    }

    // MARK: Nodes

    /// Gives `node` a broker user of its own and returns its credentials; idempotent (running it
    /// again rotates the password: connections open with the old one stay open).
    ///
    /// The user `coxswain-node-<node>` (``NodeBrokerPermissions/userName(node:vhost:)``) has no tags and the permissions of
    /// ``NodeBrokerPermissions``: configure `^$`; write `^coxswain\.events$` (the escaped
    /// `eventsExchange`); read `^coxswain\.node\.<node>$` (the escaped `queue`); on
    /// `eventsExchange` topic write `^node\.<node>\.` and topic read `^$`. So the node consumes
    /// only its own queue, publishes only to the events exchange under its own routing-key
    /// prefix, and declares, deletes and binds nothing: declare its queue and binding with
    /// administrator credentials first. The vhost must exist (``ensureVhost()``).
    ///
    /// - Throws: ``BrokerAdminError/invalid(_:)`` for a node name outside `NodeName`'s rule;
    ///   other ``BrokerAdminError``s from the API.
    package func grantNode(_ node: String, queue: String, eventsExchange: String) async throws -> NodeBrokerGrant {
        if let problem = NodeBrokerPermissions.validate(node: node) { throw BrokerAdminError.invalid(problem) }
        guard !queue.isEmpty, !eventsExchange.isEmpty else { throw BrokerAdminError.invalid("empty queue or exchange name") }
        let clock = ContinuousClock()
        let start = clock.now
        let permissions = NodeBrokerPermissions(node: node, queue: queue, eventsExchange: eventsExchange, vhost: configuration.vhost)
        let password = BrokerPassword.generate()
        try await createUser(permissions.user, password: password)
        try await setPermissions(user: permissions.user, configure: permissions.configure, write: permissions.write, read: permissions.read)
        try await setTopicPermissions(
            user: permissions.user, exchange: permissions.topicExchange, write: permissions.topicWrite, read: permissions.topicRead)
        logger.info(
            "node broker user granted",
            metadata: [
                BrokerAdminLogMetadata.node: "\(node)", BrokerAdminLogMetadata.user: "\(permissions.user)",
                BrokerAdminLogMetadata.duration: "\(clock.now - start)",
            ])
        return NodeBrokerGrant(user: permissions.user, password: password, vhost: configuration.vhost, queue: queue)
    }

    /// Takes `node`'s broker access away: deletes its user, so it cannot log in again, then
    /// closes the connections it still has open. Idempotent; a node that never had a user is fine.
    ///
    /// Deleting the user already makes RabbitMQ close that user's connections itself (seen with
    /// 3.10.8: 320 `CONNECTION_FORCED - user '…' is deleted`, also for connections opened a
    /// moment earlier); the sweep through ``closeConnections(user:)`` is a safety net for
    /// anything left over. Without either, an open connection would keep consuming and keep
    /// passing the permission checks its channels have cached.
    package func revokeNode(_ node: String) async throws {
        if let problem = NodeBrokerPermissions.validate(node: node) { throw BrokerAdminError.invalid(problem) }
        let clock = ContinuousClock()
        let start = clock.now
        let user = NodeBrokerPermissions.userName(node: node, vhost: configuration.vhost)
        try await deleteUser(user)
        let closed = try await closeConnections(user: user)
        logger.info(
            "node broker user revoked",
            metadata: [
                BrokerAdminLogMetadata.node: "\(node)", BrokerAdminLogMetadata.user: "\(user)",
                BrokerAdminLogMetadata.connections: "\(closed)", BrokerAdminLogMetadata.duration: "\(clock.now - start)",
            ])
    }

    /// Deletes a queue (with its messages and bindings); a queue that does not exist is fine.
    /// Used for a removed node's queue, so that nothing addressed to that name lingers for a node
    /// enrolled later under the same name.
    package func deleteQueue(_ name: String) async throws {
        try await send(.delete, ["queues", configuration.vhost, name], expecting: [204, 404])
    }

    /// How many messages a queue of this vhost holds, or nil when it does not exist.
    package func queueLength(_ name: String) async throws -> Int? {
        let (status, body) = try await perform(.get, ["queues", configuration.vhost, name], expecting: [200, 404])
        guard status == 200, let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return object["messages"] as? Int ?? 0
    }

    /// Sets (or replaces) a queue policy in this vhost, e.g. a length limit on the dead-letter
    /// queue. Policies apply to existing queues and do not take part in RabbitMQ's redeclaration
    /// check (changing a declared argument would make every service fail to declare it).
    package func setQueuePolicy(_ name: String, pattern: String, maxLength: Int, overflow: String = "drop-head") async throws {
        try await send(
            .put, ["policies", configuration.vhost, name],
            body: PolicyBody(pattern: pattern, definition: .init(maxLength: maxLength, overflow: overflow), priority: 0, applyTo: "queues"),
            expecting: [201, 204]
        )
    }
}

// MARK: - HTTP

extension BrokerAdmin {
    /// The HTTP methods the management calls use (NIO's `HTTPMethod` without importing NIOHTTP1).
    private enum Method: String {
        case get = "GET"
        case put = "PUT"
        case delete = "DELETE"
    }

    private struct UserBody: Encodable {
        var password: String
        var tags: String
    }

    private struct PermissionsBody: Encodable {
        var configure: String
        var write: String
        var read: String
    }

    private struct TopicPermissionsBody: Encodable {
        var exchange: String
        var write: String
        var read: String
    }

    private struct PolicyBody: Encodable {
        struct Definition: Encodable {
            var maxLength: Int
            var overflow: String
            enum CodingKeys: String, CodingKey {
                case maxLength = "max-length"
                case overflow
            }
        }
        var pattern: String
        var definition: Definition
        var priority: Int
        var applyTo: String
        enum CodingKeys: String, CodingKey {
            case pattern, definition, priority
            case applyTo = "apply-to"
        }
    }

    private struct ConnectionSummary: Decodable {
        var name: String
        var user: String?
    }

    private func send(
        _ method: Method, _ segments: [String], query: String? = nil, headers: [(String, String)] = [],
        expecting expected: Set<Int>, secrets: [String] = []
    ) async throws {
        try await perform(method, segments, query: query, headers: headers, expecting: expected, secrets: secrets)
    }

    private func send(
        _ method: Method, _ segments: [String], body: some Encodable, expecting expected: Set<Int>, secrets: [String] = []
    ) async throws {
        let bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            bytes = Array(try encoder.encode(body))
        } catch {
            throw BrokerAdminError.invalid("cannot encode the request body")
        }
        try await perform(method, segments, bodyBytes: bytes, expecting: expected, secrets: secrets)
    }

    /// Sends one request and returns the status and body if the status is one of `expected`.
    /// `secrets` (besides the admin password) are cut out of any error text.
    @discardableResult
    private func perform(
        _ method: Method, _ segments: [String], query: String? = nil, bodyBytes: [UInt8]? = nil, headers: [(String, String)] = [],
        expecting expected: Set<Int>, secrets: [String] = []
    ) async throws -> (status: Int, body: [UInt8]) {
        let path = "/api/" + segments.map(PercentEncoding.encode).joined(separator: "/")
        let operation = "\(method.rawValue) \(path)"
        var request = HTTPClientRequest(url: configuration.baseURL + path + (query.map { "?\($0)" } ?? ""))
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bodyBytes {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(bodyBytes)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let status: Int
        let body: [UInt8]
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Self.nanoseconds(configuration.requestTimeout)))
            status = Int(response.status.code)
            body = Array((try await response.body.collect(upTo: Self.maximumResponseBytes)).readableBytesView)
        } catch {
            // AsyncHTTPClient reports a cancelled task as HTTPClientError.cancelled.
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            let reason = redact("\(operation): \(error)", secrets)
            logger.debug("management request failed", metadata: [BrokerAdminLogMetadata.error: "\(reason)"])
            throw BrokerAdminError.unreachable(reason)
        }
        logger.debug(
            "management request",
            metadata: [
                BrokerAdminLogMetadata.method: "\(method.rawValue)", BrokerAdminLogMetadata.path: "\(path)",
                BrokerAdminLogMetadata.status: "\(status)", BrokerAdminLogMetadata.duration: "\(clock.now - start)",
            ])
        guard expected.contains(status) else {
            throw BrokerAdminError.http(status: status, reason: redact("\(operation): \(Self.reason(from: body))", secrets))
        }
        return (status, body)
    }

    /// The broker's own reason from an error body, short and printable.
    private static func reason(from body: [UInt8]) -> String {
        // `{"error": "...", "reason": ...}`; `reason` is a string or an Erlang term as JSON.
        let text: String
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            object["error"] != nil || object["reason"] != nil
        {
            text = [object["error"], object["reason"]].compactMap { value -> String? in
                switch value {
                case nil: nil
                case let string as String: string
                case let other?:
                    (try? JSONSerialization.data(withJSONObject: other, options: [.fragmentsAllowed]))
                        .map { String(decoding: $0, as: UTF8.self) }
                }
            }.joined(separator: ": ")
        } else if body.isEmpty {
            text = "no details"
        } else {
            text = String(decoding: body, as: UTF8.self)
        }
        let printable = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return printable.count > 300 ? printable.prefix(300) + "…" : printable
    }

    /// `text` with the admin password and `secrets` replaced by `***`.
    private func redact(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in [configuration.password] + secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
