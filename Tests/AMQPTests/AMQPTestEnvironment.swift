import CoxswainCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import CoxswainAMQP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Settings of the AMQP integration tests, all from the environment:
/// `COXSWAIN_INTEGRATION` (any value) enables them, `COXSWAIN_AMQP_URL` names the broker,
/// `COXSWAIN_TEST_RESTART_BROKER` is a shell command that hard-kills and restarts it,
/// `COXSWAIN_AMQP_MANAGEMENT_URL` (e.g. `http://127.0.0.1:15672`) enables the force-close test,
/// `COXSWAIN_AMQP_BENCH` enables the measurements.
enum AMQPTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let integrationEnabled = environment["COXSWAIN_INTEGRATION"] != nil
    static let url = environment["COXSWAIN_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2F"
    static let restartCommand = environment["COXSWAIN_TEST_RESTART_BROKER"]
    static let managementURL = environment["COXSWAIN_AMQP_MANAGEMENT_URL"]
    static let benchEnabled = integrationEnabled && environment["COXSWAIN_AMQP_BENCH"] != nil

    /// The broker configuration with a test-specific connection name and fast reconnects.
    static func configuration(name: String) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: url)
        configuration.connectionName = name
        configuration.reconnectBackoffInitial = .milliseconds(100)
        configuration.reconnectBackoffMax = .seconds(2)
        return configuration
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: environment["COXSWAIN_TEST_LOG_LEVEL"] ?? "warning") ?? .warning
        return logger
    }

    /// A name no other test (or earlier run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "test.\(prefix).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Deletes test queues and exchanges (best effort) on a connection of its own.
    static func cleanUp(queues: [String] = [], exchanges: [String] = []) {
        guard let connection = try? AMQPConnection(configuration: configuration(name: "coxswain-test-cleanup")) else { return }
        for queue in queues { try? connection.deleteQueue(queue) }
        for exchange in exchanges { try? connection.deleteExchange(exchange) }
        connection.close()
    }

    /// Runs `command` with `/bin/sh -c` and returns its exit status, waiting on a thread of its
    /// own. Not Foundation's `Process`: its termination handler only fires once every copy of
    /// an internal descriptor is closed, which never happens when the command leaves a daemon
    /// (the restarted broker) running. The child gets no descriptors above 2, so the broker
    /// cannot keep our AMQP sockets alive either.
    static func runShell(_ command: String) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                // Close every inherited descriptor above 2 (glibc ignores ones closed meanwhile).
                let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
                for fd in open.compactMap(Int32.init) where fd > 2 {
                    posix_spawn_file_actions_addclose(&actions, fd)
                }
                let strings: [String] = ["/bin/sh", "-c", command]
                var arguments: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
                defer { arguments.forEach { free($0) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &arguments, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
            thread.start()
        }
    }

    /// Calls the RabbitMQ management HTTP API. Credentials come from the management URL's
    /// user information if it has any (`http://user:pass@host:port`), else from the AMQP URL.
    static func management(_ method: String, _ path: String) async throws -> (Int, Data) {
        guard let base = managementURL, var components = URLComponents(string: base) else {
            throw AMQPError.invalidURL("COXSWAIN_AMQP_MANAGEMENT_URL is not an http URL")
        }
        let amqp = try AMQPConfiguration(url: url)
        let user = components.user ?? amqp.user  // already percent-decoded
        let password = components.password ?? amqp.password
        components.user = nil
        components.password = nil
        guard let root = components.url, let target = URL(string: root.absoluteString.trimmingSuffix("/") + path) else {
            throw AMQPError.invalidURL("COXSWAIN_AMQP_MANAGEMENT_URL is not an http URL")
        }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.setValue("Basic \(Data("\(user):\(password)".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

/// A consumer running as a service in a background task, stopped by cancelling that task.
struct RunningConsumer {
    let consumer: AMQPConsumer
    let task: Task<Void, any Error>

    init(_ consumer: AMQPConsumer) {
        self.consumer = consumer
        self.task = Task { try await consumer.run() }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A publisher running as a service in a background task.
struct RunningPublisher {
    let publisher: AMQPPublisher
    let task: Task<Void, any Error>

    init(_ publisher: AMQPPublisher) {
        self.publisher = publisher
        self.task = Task { try await publisher.run() }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
