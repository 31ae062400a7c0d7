import CoxswainAMQP
import CoxswainCore
import Foundation
import Logging
import Synchronization

/// The one generic consumer loop (transport apart from handlers): decodes deliveries of one
/// message type, hands them to the handler in batches and settles them by one rule
/// (``FailureDisposition``):
///
/// - the handler returned: every delivery is acked (the handler returns after its commit);
/// - a delivery cannot be decoded, or `refuse` names a reason (e.g. a node speaking for another
///   node): it is dead-lettered at once and reported to `deadLettered` (which audits it);
/// - the handler threw a *poison* error (bad data that no retry can fix): the batch is retried one
///   message at a time so that only the culprit is dead-lettered (and the rest are recorded);
/// - the handler threw anything else (database or broker unreachable, a commit whose outcome is
///   unknown): the batch is requeued after a back-off (100 ms doubling to 5 s, or the error's own
///   ``FailureClassifying/retryAfter``), never dropped.
///
/// Two modes: batched (``run()``: the Scheduler's results and heartbeats, Audit) and concurrent
/// (``runConcurrently(inOrder:)``: the Bootstrapper's runs, the Deployer's task batches).
///   Handlers are idempotent, so a redelivered message whose first commit did land is harmless.
package struct MessageLoop<M: Message>: Sendable {
    package let consumer: AMQPConsumer
    package let maxBatch: Int
    package let logger: Logger
    package let refuse: @Sendable (Received<M>) -> String?
    package let deadLettered: @Sendable (AMQPDelivery, String) async -> Void
    package let handler: @Sendable ([Received<M>]) async throws -> Void

    /// A decoded message with the delivery it came in.
    package struct Received<Payload: Message>: Sendable {
        package let message: Payload
        package let delivery: AMQPDelivery

        package init(message: Payload, delivery: AMQPDelivery) {
            self.message = message
            self.delivery = delivery
        }
    }

    /// - Parameters:
    ///   - refuse: A reason to dead-letter a decoded message without handling it (nil: handle it).
    ///   - deadLettered: Told about every dead-lettered delivery and why (to audit it).
    package init(
        consumer: AMQPConsumer, maxBatch: Int, logger: Logger, refuse: @escaping @Sendable (Received<M>) -> String? = { _ in nil },
        deadLettered: @escaping @Sendable (AMQPDelivery, String) async -> Void = { _, _ in },
        handler: @escaping @Sendable ([Received<M>]) async throws -> Void
    ) {
        self.consumer = consumer
        self.maxBatch = maxBatch
        self.logger = logger
        self.refuse = refuse
        self.deadLettered = deadLettered
        self.handler = handler
    }

    /// Runs until the consumer's stream ends or the task is cancelled.
    package func run() async {
        let decode: @Sendable (AMQPDelivery) throws -> Received<M> = { delivery in
            let received = Received(message: try delivery.decode(M.self), delivery: delivery)
            if let reason = refuse(received) { throw PoisonMessage(reason) }
            return received
        }
        let handler = self.handler
        await DeliveryLoop(consumer: consumer, maxBatch: maxBatch, logger: logger, label: M.messageType, deadLettered: deadLettered)
            .run(decode: decode) { items in
                try await handler(items)
                return [:]
            }
    }
}

extension MessageLoop {
    /// Concurrent mode: every delivery is handled on its own, as many at once as the consumer's
    /// prefetch lets in (long-running work: bootstrap runs, task batches on a node), settled by the
    /// same rule as the batched mode. Deliveries for which `inOrder` is true are handled before the
    /// next delivery is even looked at (a key hand-over before later task batches).
    package func runConcurrently(inOrder: @escaping @Sendable (AMQPDelivery) -> Bool = { _ in false }) async {
        let refuse = self.refuse
        let handler = self.handler
        await DeliveryLoop(consumer: consumer, maxBatch: 1, logger: logger, label: M.messageType, deadLettered: deadLettered)
            .runConcurrently(
                decode: { delivery in
                    let received = Received(message: try delivery.decode(M.self), delivery: delivery)
                    if let reason = refuse(received) { throw PoisonMessage(reason) }
                    return received
                },
                inOrder: inOrder,
                handler: { try await handler([$0]) }
            )
    }
}

/// The settling machinery behind ``MessageLoop``, also used directly by consumers that take raw
/// deliveries of several types (Audit).
package struct DeliveryLoop: Sendable {
    package let consumer: AMQPConsumer
    package let maxBatch: Int
    package let logger: Logger
    package let label: String
    package let deadLettered: @Sendable (AMQPDelivery, String) async -> Void
    let metrics: DeliveryLoopMetrics

    package init(
        consumer: AMQPConsumer, maxBatch: Int, logger: Logger, label: String,
        deadLettered: @escaping @Sendable (AMQPDelivery, String) async -> Void = { _, _ in }
    ) {
        self.consumer = consumer
        self.maxBatch = maxBatch
        self.logger = logger
        self.label = label
        self.deadLettered = deadLettered
        self.metrics = DeliveryLoopMetrics(label: label)
    }

    /// Runs until the consumer's stream ends or the task is cancelled.
    ///
    /// - Parameter handler: Handles a batch and returns, after its commit, the items (by index in
    ///   the batch) to dead-letter with a reason; the rest are acked.
    package func run<Item: DeliveryCarrying>(
        decode: @escaping @Sendable (AMQPDelivery) throws -> Item, handler: @escaping @Sendable ([Item]) async throws -> [Int: String]
    ) async {
        let batcher = DeliveryBatcher()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await batcher.pump(consumer.deliveries) }
            var backoff = RetryBackoff()
            while let batch = await batcher.next(max: maxBatch) {
                let now = Date()
                for delivery in batch { metrics.recordLag(delivery, now: now) }
                var decoded: [Item] = []
                for delivery in batch {
                    do {
                        decoded.append(try decode(delivery))
                    } catch {
                        await deadLetter(delivery, reason: "\(error)")
                    }
                }
                guard !decoded.isEmpty else { continue }
                if await settle(decoded, handler: handler, backoff: &backoff) == .cancelled { break }
            }
            group.cancelAll()
        }
    }

    /// Concurrent mode (see ``MessageLoop/runConcurrently(inOrder:)``): one child task per delivery.
    package func runConcurrently<Item: DeliveryCarrying>(
        decode: @escaping @Sendable (AMQPDelivery) throws -> Item, inOrder: @escaping @Sendable (AMQPDelivery) -> Bool = { _ in false },
        handler: @escaping @Sendable (Item) async throws -> Void
    ) async {
        let backoff = SharedBackoff()
        await withDiscardingTaskGroup { group in
            for await delivery in consumer.deliveries {
                let work: @Sendable () async -> Void = {
                    metrics.recordLag(delivery)
                    let item: Item
                    do {
                        item = try decode(delivery)
                    } catch {
                        await deadLetter(delivery, reason: "\(error)")
                        return
                    }
                    do {
                        try await handler(item)
                        consumer.ack(delivery)
                        metrics.settled(acked: 1)
                        backoff.reset()
                    } catch {
                        if error is CancellationError || Task.isCancelled {
                            consumer.nack(delivery, requeue: true)
                            return
                        }
                        switch FailureDisposition(error) {
                        case .deadLetter(let reason):
                            await deadLetter(delivery, reason: reason)
                        case .retry:
                            let delay = (error as? any FailureClassifying)?.retryAfter ?? backoff.next()
                            await requeue(delivery, error: error, delay: delay)
                        }
                    }
                }
                if inOrder(delivery) { await work() } else { group.addTask(operation: work) }
            }
        }
    }

    private func requeue(_ delivery: AMQPDelivery, error: any Error, delay: Duration) async {
        logger.warning(
            "handler failed; requeueing after a back-off",
            metadata: [
                "message.type": "\(label)", "retry.delay_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                "error": "\(error)",
            ])
        try? await Task.sleep(for: delay)
        consumer.nack(delivery, requeue: true)
        metrics.settled(requeued: 1)
    }

    enum Outcome { case done, cancelled }

    /// Handles one batch and settles every delivery in it.
    private func settle<Item: DeliveryCarrying>(
        _ items: [Item], handler: @Sendable ([Item]) async throws -> [Int: String], backoff: inout RetryBackoff
    ) async -> Outcome {
        do {
            let refused = try await handler(items)
            var acked = 0
            for (i, item) in items.enumerated() {
                if let reason = refused[i] {
                    await deadLetter(item.delivery, reason: reason)
                } else {
                    consumer.ack(item.delivery)
                    acked += 1
                }
            }
            metrics.settled(acked: acked)
            backoff.reset()
            return .done
        } catch {
            if error is CancellationError || Task.isCancelled {
                for item in items { consumer.nack(item.delivery, requeue: true) }
                return .cancelled
            }
            if items.count > 1, FailureDisposition(error) != .retry {
                // Isolate: one message at a time, so a poison message does not hold back the rest.
                // (A retriable failure — the database or broker away — requeues the whole batch instead:
                // retrying 500 messages one by one against a database that is down would take ages.)
                var retry: [Item] = []
                for item in items {
                    do {
                        if let reason = try await handler([item])[0] {
                            await deadLetter(item.delivery, reason: reason)
                        } else {
                            consumer.ack(item.delivery)
                            metrics.settled(acked: 1)
                        }
                    } catch {
                        if error is CancellationError || Task.isCancelled {
                            retry.append(item)
                            continue
                        }
                        switch FailureDisposition(error) {
                        case .deadLetter(let reason): await deadLetter(item.delivery, reason: reason)
                        case .retry: retry.append(item)
                        }
                    }
                }
                guard !retry.isEmpty else { return .done }
                return await requeue(retry, error: error, backoff: &backoff)
            }
            switch FailureDisposition(error) {
            case .deadLetter(let reason):
                await deadLetter(items[0].delivery, reason: reason)
                return .done
            case .retry:
                return await requeue(items, error: error, backoff: &backoff)
            }
        }
    }

    private func requeue<Item: DeliveryCarrying>(_ items: [Item], error: any Error, backoff: inout RetryBackoff) async -> Outcome {
        let delay = backoff.next()
        logger.warning(
            "handler failed; requeueing after a back-off",
            metadata: [
                "message.type": "\(label)", "batch.size": "\(items.count)",
                "retry.delay_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                "error": "\(error)",
            ])
        let cancelled = (try? await Task.sleep(for: delay)) == nil
        for item in items { consumer.nack(item.delivery, requeue: true) }
        metrics.settled(requeued: items.count)
        return cancelled ? .cancelled : .done
    }

    private func deadLetter(_ delivery: AMQPDelivery, reason: String) async {
        logger.error(
            "dead-lettering a message",
            metadata: [
                "message.type": "\(delivery.properties.type ?? "none")", "amqp.routing_key": "\(delivery.routingKey)", "reason": "\(reason)",
            ])
        consumer.reject(delivery, requeue: false)
        metrics.settledDeadLettered()
        await deadLettered(delivery, reason)
    }
}

/// An item handed to a ``DeliveryLoop`` handler, carrying the delivery it settles.
package protocol DeliveryCarrying: Sendable {
    var delivery: AMQPDelivery { get }
}

extension MessageLoop.Received: DeliveryCarrying {}

extension AMQPDelivery: DeliveryCarrying {
    package var delivery: AMQPDelivery { self }
}

/// ``RetryBackoff`` shared by the concurrent handlers of one loop.
final class SharedBackoff: Sendable {
    private let state = Mutex(RetryBackoff())
    func next() -> Duration { state.withLock { $0.next() } }
    func reset() { state.withLock { $0.reset() } }
}

/// Exponential back-off for requeued batches: 100 ms doubling to 5 s, reset after a success.
struct RetryBackoff {
    private var current = Duration.milliseconds(100)

    mutating func next() -> Duration {
        defer { current = min(current * 2, .seconds(5)) }
        return current
    }

    mutating func reset() { current = .milliseconds(100) }
}
