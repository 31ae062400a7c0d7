import CoxswainAMQP
import CoxswainBrokerAdmin
import CoxswainCore
import CoxswainMessaging
import Foundation
import Logging
import ServiceLifecycle

/// Caps the dead-letter queue and tells the operator when it grows. At start it sets a broker
/// policy (`max-length` 100,000, oldest dropped first) on `coxswain.dead` — a policy, not a queue
/// argument, so existing installations need no redeclaration. Every minute it reads the queue's
/// length; when it grew, it logs a warning and records an audit event (`dead_letters.growing`), so a
/// refused or poison message does not go unnoticed.
struct DeadLetterWatch: Service {
    let admin: BrokerAdmin
    let publisher: AMQPPublisher
    let logger: Logger
    static let limit = 100_000
    var interval: Duration = .seconds(60)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var policySet = false
            var last = 0
            while !Task.isCancelled {
                do {
                    if !policySet {
                        try await admin.setQueuePolicy("coxswain-dead-letters", pattern: "^coxswain\\.dead$", maxLength: Self.limit)
                        policySet = true
                    }
                    let count = try await admin.queueLength(Topology.deadLetterQueue.name) ?? 0
                    if count > last {
                        logger.warning("dead-letter queue grew", metadata: ["dead_letters.count": "\(count)", "dead_letters.limit": "\(Self.limit)"])
                        let event = AuditEvent(
                            teamID: nil, time: Date(), actor: "service:gateway", action: "dead_letters.growing",
                            target: "queue:\(Topology.deadLetterQueue.name)",
                            outcome: .failed, requestID: nil, details: ["count": "\(count)", "previous": "\(last)", "limit": "\(Self.limit)"]
                        )
                        try await publisher.publish([
                            try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit("dead_letters.growing"))
                        ])
                    }
                    last = count
                } catch is CancellationError {
                    return
                } catch {
                    logger.debug("dead-letter watch failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
