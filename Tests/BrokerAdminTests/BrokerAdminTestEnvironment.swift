import CoxswainCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import CoxswainAMQP
@testable import CoxswainBrokerAdmin

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Settings of the broker-admin integration tests, all from the environment:
/// `COXSWAIN_INTEGRATION=1` enables them, `COXSWAIN_AMQP_URL` (administrator, e.g.
/// `amqp://coxswain:pass@127.0.0.1:25682/coxswain`) and `COXSWAIN_AMQP_MANAGEMENT_URL`
/// (`http://coxswain:pass@127.0.0.1:35682`) name the broker.
enum BrokerTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let integrationEnabled =
        environment["COXSWAIN_INTEGRATION"] == "1" && environment["COXSWAIN_AMQP_URL"] != nil
        && environment["COXSWAIN_AMQP_MANAGEMENT_URL"] != nil
    static let amqpURL = environment["COXSWAIN_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2F"
    static let managementURL = environment["COXSWAIN_AMQP_MANAGEMENT_URL"] ?? "http://guest:guest@127.0.0.1:15672"

    /// The administrator's AMQP configuration with a test-specific connection name.
    static func adminAMQP(_ name: String) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: amqpURL)
        configuration.connectionName = name
        configuration.reconnectBackoffInitial = .milliseconds(100)
        configuration.reconnectBackoffMax = .seconds(1)
        return configuration
    }

    /// A node's AMQP configuration: the admin's broker address with the grant's credentials.
    static func nodeAMQP(_ grant: NodeBrokerGrant, _ name: String) throws -> AMQPConfiguration {
        grant.amqpConfiguration(basedOn: try adminAMQP(name))
    }

    /// The management configuration for the vhost of the AMQP URL.
    static func adminConfiguration() throws -> BrokerAdminConfiguration {
        try BrokerAdminConfiguration(managementURL: managementURL, vhost: try AMQPConfiguration(url: amqpURL).vhost)
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: environment["COXSWAIN_TEST_LOG_LEVEL"] ?? "warning") ?? .warning
        return logger
    }

    /// A node-name stem no other test (or earlier run) uses, with '-' and '_' to exercise escaping.
    static func uniqueStem(_ prefix: String) -> String {
        "t\(getpid())-\(prefix)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// `GET` on the management API with the admin credentials; returns the status and body.
    static func managementGET(_ path: String) async throws -> (Int, Data) {
        let configuration = try adminConfiguration()
        var request = URLRequest(url: URL(string: configuration.baseURL + path)!)
        request.setValue(
            "Basic \(Data("\(configuration.user):\(configuration.password)".utf8).base64EncodedString())",
            forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Names of the connections the management API lists for `user`.
    static func listedConnections(user: String) async throws -> [String] {
        let (status, data) = try await managementGET("/api/connections?columns=name,user")
        guard status == 200, let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.filter { $0["user"] as? String == user }.compactMap { $0["name"] as? String }
    }

    /// Waits until the management API lists a connection of `user` (its statistics lag behind
    /// by up to `collect_statistics_interval`); returns how long that took.
    static func waitUntilListed(user: String, limit: Duration = .seconds(15)) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        while try await listedConnections(user: user).isEmpty {
            guard clock.now - start < limit else { throw TimeoutError(description: "no connection of \(user) listed after \(limit)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return clock.now - start
    }

    /// Deletes queues (best effort) on an admin connection of its own.
    static func deleteQueues(_ queues: [String]) {
        guard let connection = try? AMQPConnection(configuration: adminAMQP("coxswain-test-cleanup")) else { return }
        for queue in queues { try? connection.deleteQueue(queue) }
        connection.close()
    }
}

/// A service (consumer or publisher) running in a background task, stopped by cancelling it.
struct Running<S: Sendable>: Sendable {
    let service: S
    let task: Task<Void, any Error>

    init(_ service: S, run: @escaping @Sendable (S) async throws -> Void) {
        self.service = service
        self.task = Task { try await run(service) }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension Running where S == AMQPConsumer {
    init(_ consumer: AMQPConsumer) { self.init(consumer) { try await $0.run() } }

    /// The next delivery (acked), or a timeout.
    func next(within limit: Duration = .seconds(10)) async throws -> AMQPDelivery {
        let consumer = service
        return try await withTimeout(limit, "a delivery") {
            for await delivery in consumer.deliveries {
                consumer.ack(delivery)
                return delivery
            }
            throw TimeoutError(description: "consumer stopped")
        }
    }
}

extension Running where S == AMQPPublisher {
    init(_ publisher: AMQPPublisher) { self.init(publisher) { try await $0.run() } }
}

/// Log records kept in memory, to assert what a component logged.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { merged[key] = "\(value)" }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: merged))
        }
    }
}

/// Runs blocking rabbitmq-c work on a thread of its own, never on the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}

/// What a blocking AMQP step threw, or `nil` if it succeeded.
func amqpError(_ body: @escaping @Sendable () throws -> Void) async throws -> AMQPError? {
    try await onThread { () -> AMQPError? in
        do {
            try body()
            return nil
        } catch let error as AMQPError {
            return error
        }
    }
}
