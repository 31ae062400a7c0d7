import CoxswainAMQP
import CoxswainObservability
import Foundation
import Metrics

/// The metrics of one ``DeliveryLoop``, labelled by the loop's fixed label (a message type or
/// the consumer's name, never a value taken from the message): queue lag and settlements.
struct DeliveryLoopMetrics: Sendable {
    private let lag: Metrics.Timer
    private let acked: Counter
    private let requeued: Counter
    private let deadLettered: Counter

    init(label: String) {
        lag = Metrics.Timer(label: MetricName.queueLagSeconds, dimensions: [("message_type", label)])
        acked = Counter(label: MetricName.messagesHandled, dimensions: [("message_type", label), ("outcome", "acked")])
        requeued = Counter(label: MetricName.messagesHandled, dimensions: [("message_type", label), ("outcome", "requeued")])
        deadLettered = Counter(label: MetricName.messagesHandled, dimensions: [("message_type", label), ("outcome", "dead_lettered")])
    }

    /// Records how long `delivery` waited: from its `timestamp_ms` header (or the AMQP timestamp,
    /// whole seconds) to now. Clock skew between hosts can make it negative: recorded as zero.
    func recordLag(_ delivery: AMQPDelivery, now: Date = Date()) {
        guard let sent = Self.sentAt(delivery.properties) else { return }
        let seconds = max(0, now.timeIntervalSince(sent))
        guard seconds.isFinite, seconds < 86_400 * 365 else { return }
        lag.record(duration: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// When the message was published: the millisecond header the envelope sets, else the AMQP timestamp.
    static func sentAt(_ properties: AMQPProperties) -> Date? {
        if let text = properties.headers[Envelope.timestampHeader], let ms = Int64(text), ms > 0 {
            return Date(timeIntervalSince1970: Double(ms) / 1000)
        }
        return properties.timestamp
    }

    func settled(acked count: Int) { acked.increment(by: Int64(count)) }
    func settled(requeued count: Int) { requeued.increment(by: Int64(count)) }
    func settledDeadLettered() { deadLettered.increment() }
}
