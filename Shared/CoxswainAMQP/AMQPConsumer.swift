import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The consuming connection: a dedicated OS thread owns a rabbitmq-c connection (on its
/// stack) and feeds ``deliveries``; acks travel back through a lock-protected queue and a
/// wake-up pipe.
///
/// The thread connects (with back-off), declares the topology, sets `basic.qos(prefetch)`
/// and consumes `queue` with manual acks. While idle it sleeps in `poll()` on the socket and
/// the wake-up pipe (timeout `heartbeat / 2`, to service heartbeats), so an idle consumer
/// costs no CPU and a delivery or an ack is handled at once. On any connection error it
/// reconnects by itself and resumes; unacked messages come back with `redelivered == true`.
package final class AMQPConsumer: Service, Sendable {
    /// A settlement queued by ``ack(_:multiple:)``, ``nack(_:requeue:)`` or ``reject(_:requeue:)``.
    private struct Command: Sendable {
        enum Kind: Sendable {
            case ack(multiple: Bool)
            case nack(multiple: Bool, requeue: Bool)
            case reject(requeue: Bool)
        }
        var kind: Kind
        var tag: UInt64
        var generation: UInt64
    }

    private struct Lifecycle: Sendable {
        var started = false
        var finished = false
        /// Set when the consumer gave up (``AMQPConfiguration/loginRefusalLimit``); `run()` throws it.
        var fatal: AMQPError?
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// How the consume loop of one connection ended.
    private enum LoopEnd {
        case stopRequested
        case failed(AMQPError)
        case cancelledByBroker
    }

    private let configuration: AMQPConfiguration
    private let queue: String
    private let prefetch: UInt16
    private let topology: TopologyDeclaration
    private let logger: Logger
    private let continuation: AsyncStream<AMQPDelivery>.Continuation
    private let commands = Mutex<[Command]>([])
    private let stopRequested = Atomic<Bool>(false)
    private let consuming = Atomic<Bool>(false)
    private let lifecycle = Mutex(Lifecycle())
    /// Wakes the thread from `poll()`; `nil` only if no pipe could be created, in which case
    /// the thread polls the socket with a short timeout instead.
    private let wakeup: ThreadWakeup?

    /// Deliveries in broker order. Survives reconnects (it does not end when the broker
    /// fails); finishes when the consumer stops. Its buffer is bounded by `prefetch` as long
    /// as deliveries are acked after processing.
    package let deliveries: AsyncStream<AMQPDelivery>

    /// True while the consumer is connected and consuming its queue (for readiness checks).
    package var isConnected: Bool { consuming.load(ordering: .relaxed) }

    /// Creates the consumer; nothing connects until ``run()``.
    ///
    /// - Parameters:
    ///   - queue: Queue to consume; declare it in `topology` (declared on every connect).
    ///   - prefetch: Maximum number of unacked deliveries in flight (`basic.qos`).
    package init(configuration: AMQPConfiguration, queue: String, prefetch: UInt16, topology: TopologyDeclaration, logger: Logger) {
        self.configuration = configuration
        self.queue = queue
        self.prefetch = prefetch
        self.topology = topology
        var logger = logger
        logger[metadataKey: AMQPLogMetadata.queue] = "\(queue)"
        logger[metadataKey: AMQPLogMetadata.connection] = "\(configuration.connectionName)"
        self.logger = logger
        self.wakeup = ThreadWakeup()
        (deliveries, continuation) = AsyncStream.makeStream(of: AMQPDelivery.self)
    }

    deinit {
        wakeup?.close()
    }

    /// Service: starts the consumer thread and returns once it has stopped. Graceful shutdown
    /// or task cancellation stops it: queued acks are sent, the consumer is cancelled, the
    /// connection closed, and ``deliveries`` finishes.
    package func run() async throws {
        let first = lifecycle.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard first else {
            logger.warning("AMQP consumer already running")
            return
        }
        let thread = Thread { [self] in
            Thread.current.name = "amqp-consumer"  // set on the thread itself so Linux tools show it
            threadMain()
        }
        thread.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let finished = lifecycle.withLock { state in
                    if !state.finished { state.waiter = waiter }
                    return state.finished
                }
                if finished { waiter.resume() }
            }
        } onCancelOrGracefulShutdown: { [self] in
            stopRequested.store(true, ordering: .releasing)
            wakeup?.signal()
        }
        if let fatal = lifecycle.withLock({ $0.fatal }) { throw fatal }
    }

    /// Acknowledges `delivery` (and all earlier ones on its connection if `multiple`).
    /// Ignored if the delivery came on an earlier connection.
    package func ack(_ delivery: AMQPDelivery, multiple: Bool = false) {
        enqueue(Command(kind: .ack(multiple: multiple), tag: delivery.deliveryTag, generation: delivery.generation))
    }

    /// Negatively acknowledges `delivery`: `requeue == false` dead-letters it (if the queue
    /// has a dead-letter exchange) or drops it.
    package func nack(_ delivery: AMQPDelivery, requeue: Bool) {
        enqueue(Command(kind: .nack(multiple: false, requeue: requeue), tag: delivery.deliveryTag, generation: delivery.generation))
    }

    /// Rejects `delivery` (like ``nack(_:requeue:)`` for one message).
    package func reject(_ delivery: AMQPDelivery, requeue: Bool) {
        enqueue(Command(kind: .reject(requeue: requeue), tag: delivery.deliveryTag, generation: delivery.generation))
    }

    private func enqueue(_ command: Command) {
        let wasEmpty = commands.withLock { commands in
            defer { commands.append(command) }
            return commands.isEmpty
        }
        // The thread drains the whole queue when woken, so one signal per batch is enough.
        if wasEmpty { wakeup?.signal() }
    }

    // MARK: Consumer thread

    private var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    private var pollInterval: Duration {
        guard wakeup != nil else { return .milliseconds(20) }
        return configuration.heartbeat > .zero ? configuration.heartbeat / 2 : .seconds(5)
    }

    private func threadMain() {
        var generation: UInt64 = 0
        var backoff = ReconnectBackoff(configuration)
        var refusedLogins = 0
        while !isStopRequested {
            let connection: AMQPConnection
            let consumerTag: String
            do {
                connection = try AMQPConnection(configuration: configuration)
                do {
                    try connection.declare(topology)
                    try connection.setPrefetch(prefetch)
                    consumerTag = try connection.startConsuming(queue: queue)
                } catch {
                    connection.close()
                    throw error
                }
            } catch {
                let error = error as? AMQPError ?? .connectionFailed("\(error)")
                if case .loginFailed = error { refusedLogins += 1 } else { refusedLogins = 0 }
                if let limit = configuration.loginRefusalLimit, refusedLogins >= limit {
                    logger.critical("AMQP login refused \(refusedLogins) times in a row; giving up", metadata: [AMQPLogMetadata.error: "\(error)"])
                    lifecycle.withLock { $0.fatal = error }
                    break
                }
                let delay = backoff.next()
                logger.amqpConnectFailed("consumer", error: error, attempt: backoff.attempts, delay: delay)
                sleepUnlessStopped(delay)
                continue
            }

            refusedLogins = 0
            backoff.reset()
            generation += 1
            let current = generation
            commands.withLock { $0.removeAll { $0.generation != current } }  // tags are per connection
            logger.info("AMQP consumer connected", metadata: [AMQPLogMetadata.generation: "\(generation)"])

            consuming.store(true, ordering: .relaxed)
            let end = consume(on: connection, generation: generation)
            consuming.store(false, ordering: .relaxed)
            switch end {
            case .stopRequested:
                do {
                    try applyCommands(on: connection, generation: generation)
                    try connection.cancelConsuming(consumerTag)
                } catch {
                    logger.debug("AMQP consumer cancel failed", metadata: [AMQPLogMetadata.error: "\(error)"])
                }
                connection.close()
            case .failed(let error):
                logger.warning(
                    "AMQP consumer connection lost",
                    metadata: [AMQPLogMetadata.error: "\(error)", AMQPLogMetadata.generation: "\(generation)"])
                connection.close()
            case .cancelledByBroker:
                logger.warning("AMQP consumer cancelled by the broker", metadata: [AMQPLogMetadata.generation: "\(generation)"])
                connection.close()
            }
        }
        continuation.finish()
        let waiter = lifecycle.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
        logger.info("AMQP consumer stopped")
    }

    /// Consumes until a stop request or a connection failure.
    private func consume(on connection: AMQPConnection, generation: UInt64) -> LoopEnd {
        let socket = connection.socketDescriptor
        do {
            while true {
                if isStopRequested { return .stopRequested }
                try applyCommands(on: connection, generation: generation)

                let result: AMQPConnection.ConsumeResult
                if connection.hasBufferedInput {
                    result = try connection.consume(timeout: .zero)
                } else {
                    let ready = ThreadWakeup.wait(socket: socket, wakeup: wakeup, timeout: pollInterval)
                    if ready.wakeup { wakeup?.drain() }
                    if ready.wakeup && !ready.socket { continue }
                    // Readable socket: read what is there. Timeout: a zero-wait read sends a
                    // due heartbeat and detects a silent broker.
                    result = try connection.consume(timeout: .zero)
                }

                switch result {
                case .delivery(var delivery):
                    delivery.generation = generation
                    continuation.yield(delivery)
                case .event(.consumerCancelled):
                    return .cancelledByBroker
                case .event:
                    continue
                }
            }
        } catch let error as AMQPError {
            return .failed(error)
        } catch {
            return .failed(.connectionFailed("\(error)"))
        }
    }

    /// Sends queued settlements for this connection; drops those for earlier connections.
    private func applyCommands(on connection: AMQPConnection, generation: UInt64) throws {
        let pending = commands.withLock { commands in
            defer { commands.removeAll(keepingCapacity: true) }
            return commands
        }
        for command in pending where command.generation == generation {
            switch command.kind {
            case .ack(let multiple):
                try connection.ack(command.tag, multiple: multiple)
            case .nack(let multiple, let requeue):
                try connection.nack(command.tag, multiple: multiple, requeue: requeue)
            case .reject(let requeue):
                try connection.reject(command.tag, requeue: requeue)
            }
        }
    }

    /// Waits `delay` unless a stop is requested first (acks arriving meanwhile do not cut it short).
    private func sleepUnlessStopped(_ delay: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now + delay
        while !isStopRequested {
            let remaining = deadline - clock.now
            guard remaining > .zero else { return }
            let ready = ThreadWakeup.wait(socket: -1, wakeup: wakeup, timeout: max(remaining, .milliseconds(1)))
            if ready.wakeup { wakeup?.drain() }
        }
    }
}
