import CoxswainAMQP
import CoxswainCore
import Logging

/// The one generic consumer loop (transport apart from handlers): decodes deliveries of one
/// message type, hands them to the handler in batches, acks after the handler returns (i.e. after
/// its Postgres commit), dead-letters what cannot be decoded and requeues (after a back-off) when
/// the handler fails.
package struct MessageLoop<M: Message>: Sendable {
    package let consumer: AMQPConsumer
    package let maxBatch: Int
    package let logger: Logger
    package let handler: @Sendable ([Received<M>]) async throws -> Void

    /// A decoded message with the delivery it came in.
    package struct Received<Payload: Message>: Sendable {
        package let message: Payload
        package let delivery: AMQPDelivery
    }

    package init(consumer: AMQPConsumer, maxBatch: Int, logger: Logger, handler: @escaping @Sendable ([Received<M>]) async throws -> Void) {
        self.consumer = consumer
        self.maxBatch = maxBatch
        self.logger = logger
        self.handler = handler
    }

    /// Runs until the consumer's stream ends or the task is cancelled.
    package func run() async {
        let batcher = DeliveryBatcher()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await batcher.pump(consumer.deliveries) }
            var backoff = Duration.milliseconds(100)
            while let batch = await batcher.next(max: maxBatch) {
                var decoded: [Received<M>] = []
                for delivery in batch {
                    do {
                        decoded.append(Received(message: try delivery.decode(M.self), delivery: delivery))
                    } catch {
                        logger.error("dead-lettering undecodable message", metadata: [
                            "amqp.routing_key": "\(delivery.routingKey)", "error": "\(error)",
                        ])
                        consumer.reject(delivery, requeue: false)
                    }
                }
                guard !decoded.isEmpty else { continue }
                do {
                    try await handler(decoded)
                    for r in decoded { consumer.ack(r.delivery) }
                    backoff = .milliseconds(100)
                } catch is CancellationError {
                    for r in decoded { consumer.nack(r.delivery, requeue: true) }
                    break
                } catch {
                    logger.warning("handler failed; requeueing batch", metadata: [
                        "message.type": "\(M.messageType)", "batch.size": "\(decoded.count)", "error": "\(error)",
                    ])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                    for r in decoded { consumer.nack(r.delivery, requeue: true) }
                }
            }
            group.cancelAll()
        }
    }
}
