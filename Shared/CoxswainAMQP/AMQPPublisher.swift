import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The publishing connection: an actor whose executor is one dedicated OS thread, so every
/// blocking rabbitmq-c call runs there and never on Swift's cooperative pool.
///
/// It connects lazily (the first ``publish(_:)``) or from ``run()``, declares its topology on
/// every connect, publishes in confirm mode, and reconnects by itself with exponential
/// back-off. Run it in the `ServiceGroup` before the services that publish through it, so it
/// shuts down after them.
package actor AMQPPublisher: Service {
    private let configuration: AMQPConfiguration
    private let logger: Logger
    private let executor: DedicatedThreadExecutor
    /// Everything declared so far; re-declared after every reconnect.
    private var topology: TopologyDeclaration
    private var connection: AMQPConnection?
    private var confirms = PublisherConfirms()
    /// Counts successful connects (1 = first connection).
    private var generation: UInt64 = 0
    private var backoff: ReconnectBackoff
    private var isShutdown = false
    /// Whether a healthy connection is open (for readiness checks, from any thread).
    private let connectedFlag = Atomic<Bool>(false)
    /// `coxswain_amqp_publish_confirm_seconds`: from publishing a confirmed batch to its last confirm.
    // The name of MetricName.publishConfirmSeconds, written out: this module does not depend on CoxswainObservability.
    private let confirmLatency = Metrics.Timer(label: "coxswain_amqp_publish_confirm_seconds")

    /// How long one blocking wait for confirms lasts before it checks for task cancellation.
    private static let confirmWaitSlice: Duration = .seconds(1)
    /// Fire-and-forget publishes after which already-arrived confirms are absorbed.
    private static let absorbThreshold = 256

    /// True while the publisher holds an open connection (false before the first connect, after
    /// a loss until it reconnects, and after shutdown). Readable from any thread.
    package nonisolated var isConnected: Bool { connectedFlag.load(ordering: .relaxed) }

    /// The dedicated thread's executor.
    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates the publisher; nothing connects until ``run()`` or the first call that needs
    /// the broker.
    package init(configuration: AMQPConfiguration, topology: TopologyDeclaration, logger: Logger) {
        self.configuration = configuration
        self.topology = topology
        var logger = logger
        logger[metadataKey: AMQPLogMetadata.connection] = "\(configuration.connectionName)"
        logger[metadataKey: AMQPLogMetadata.endpoint] = "\(configuration.host):\(configuration.port)/\(configuration.vhost)"
        self.logger = logger
        self.backoff = ReconnectBackoff(configuration)
        self.executor = DedicatedThreadExecutor(name: "amqp-publisher")
    }

    deinit {
        executor.stop()
    }

    /// Service loop: connects (exponential back-off, one warning per failed attempt), declares
    /// the topology, then every `heartbeat / 2` services heartbeats and absorbs confirms
    /// without blocking, reconnecting whenever the connection is lost. On graceful shutdown or
    /// cancellation it closes the connection, stops the thread and returns.
    package nonisolated func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.serviceLoop() }
        } catch is CancellationError {
            // Graceful shutdown or cancellation: the normal way out.
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// Publishes all `messages` (mandatory = false; persistence per their properties) and
    /// returns once the broker has confirmed every one of them.
    ///
    /// If the connection breaks before all confirms arrive, it reconnects with back-off
    /// (re-declaring the topology) and republishes the whole batch: delivery is at-least-once,
    /// consumers deduplicate on `messageID`. Connects by itself if needed.
    ///
    /// - Throws: ``AMQPError/nacked`` if the broker nacks one of them;
    ///   ``AMQPError/shutdown`` after shutdown; `CancellationError` if the task is cancelled
    ///   while waiting to reconnect or for confirms; a non-retriable ``AMQPError`` (login
    ///   refused, missing exchange…) as is.
    package func publish(_ messages: [OutgoingMessage]) async throws {
        guard !messages.isEmpty else { return }
        while true {
            let (connection, _) = try await connected(retryingEverything: false)
            do {
                let started = ContinuousClock.now
                try publishAndWaitForConfirms(messages, on: connection)
                confirmLatency.record(duration: ContinuousClock.now - started)
                return
            } catch let error as AMQPError where error == .nacked {
                throw error
            } catch let error as AMQPError {
                drop(connection)
                guard error.isRetriable else { throw error }
                logger.warning(
                    "AMQP publish interrupted, republishing the batch",
                    metadata: [AMQPLogMetadata.error: "\(error)", AMQPLogMetadata.count: "\(messages.count)"])
            }
        }
    }

    /// Publishes without waiting for the confirm (it is absorbed by a later publish or the
    /// next heartbeat tick). For high-volume, loss-tolerant events such as live output.
    /// Connects (with back-off) if needed, but does not retry a failed publish.
    package func publishUnconfirmed(_ message: OutgoingMessage) async throws {
        let (connection, _) = try await connected(retryingEverything: false)
        do {
            try connection.publish(message)
            _ = confirms.recordPublish()
            if confirms.pendingCount >= Self.absorbThreshold { try absorbEvents(on: connection) }
        } catch {
            drop(connection)
            throw error
        }
    }

    /// Declares more topology now (connecting if needed) and, once the broker accepted it,
    /// remembers it so it is declared again after every reconnect.
    package func declare(_ topology: TopologyDeclaration) async throws {
        let (connection, _) = try await connected(retryingEverything: false)
        do {
            try connection.declare(topology)
        } catch {
            drop(connection)
            throw error
        }
        self.topology = self.topology.merging(topology)
    }

    // MARK: Connection management

    private func serviceLoop() async throws {
        let interval = configuration.heartbeat > .zero ? configuration.heartbeat / 2 : .seconds(5)
        while true {
            _ = try await connected(retryingEverything: true)
            try await Task.sleep(for: interval)
            serviceHeartbeats()
        }
    }

    /// The current healthy connection, or a new one after back-off. `fresh` is `true` if it
    /// was opened by this call. Callers of `publish` get non-retriable failures thrown at once;
    /// the service loop (`retryingEverything`) keeps trying and logs them as errors.
    private func connected(retryingEverything: Bool) async throws -> (AMQPConnection, fresh: Bool) {
        while true {
            if isShutdown { throw AMQPError.shutdown }
            if let connection {
                if !connection.isBroken { return (connection, false) }
                drop(connection)
            }
            try Task.checkCancellation()
            do {
                return (try openConnection(), true)
            } catch let error as AMQPError {
                let delay = backoff.next()
                logger.amqpConnectFailed("publisher", error: error, attempt: backoff.attempts, delay: delay)
                if !error.isRetriable, !retryingEverything { throw error }
                try await Task.sleep(for: delay)
            }
        }
    }

    private func openConnection() throws -> AMQPConnection {
        let connection = try AMQPConnection(configuration: configuration)
        do {
            try connection.declare(topology)
            try connection.enableConfirms()
        } catch {
            connection.close()
            throw error
        }
        self.connection = connection
        connectedFlag.store(true, ordering: .relaxed)
        confirms = PublisherConfirms()
        generation += 1
        backoff.reset()
        logger.info("AMQP publisher connected", metadata: [AMQPLogMetadata.generation: "\(generation)"])
        return connection
    }

    private func drop(_ connection: AMQPConnection) {
        connection.close()
        if self.connection === connection {
            self.connection = nil
            connectedFlag.store(false, ordering: .relaxed)
        }
    }

    private func shutdown() {
        guard !isShutdown else { return }
        isShutdown = true
        connectedFlag.store(false, ordering: .relaxed)
        if let connection {
            connection.close()
            self.connection = nil
        }
        executor.stop()
        logger.info("AMQP publisher stopped")
    }

    // MARK: Frames and confirms

    private func publishAndWaitForConfirms(_ messages: [OutgoingMessage], on connection: AMQPConnection) throws {
        var first: UInt64 = 0
        var last: UInt64 = 0
        for message in messages {
            try connection.publish(message)
            last = confirms.recordPublish()
            if first == 0 { first = last }
        }
        let batch = first...last
        confirms.watch(batch)
        defer { confirms.unwatch() }
        while confirms.isPending(batch) && !confirms.nackedInWatch {
            let event = try connection.nextEvent(timeout: Self.confirmWaitSlice)
            handle(event)
            if event == .timeout && Task.isCancelled { throw CancellationError() }
        }
        if confirms.nackedInWatch { throw AMQPError.nacked }
    }

    /// Handles heartbeats and absorbs confirms that have already arrived, without blocking.
    private func serviceHeartbeats() {
        guard let connection, !connection.isBroken else { return }
        do {
            try absorbEvents(on: connection)
        } catch {
            logger.warning("AMQP publisher connection lost", metadata: [AMQPLogMetadata.error: "\(error)"])
            drop(connection)
        }
    }

    private func absorbEvents(on connection: AMQPConnection) throws {
        while true {
            let event = try connection.nextEvent(timeout: .zero)
            if event == .timeout { return }
            handle(event)
        }
    }

    private func handle(_ event: AMQPConnection.Event) {
        switch event {
        case .ack(let tag, let multiple):
            confirms.ack(tag, multiple: multiple)
        case .nack(let tag, let multiple):
            let count = confirms.nack(tag, multiple: multiple)
            if !confirms.nackedInWatch && count > 0 {
                logger.warning("AMQP broker nacked fire-and-forget messages", metadata: [AMQPLogMetadata.count: "\(count)"])
            }
        case .timeout, .consumerCancelled, .other:
            break
        }
    }
}
