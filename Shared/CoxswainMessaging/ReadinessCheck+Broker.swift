import CoxswainAMQP
import CoxswainObservability

extension ReadinessCheck {
    /// `broker`: every given connection is up (the publisher connected, the consumers consuming).
    package static func broker(publisher: AMQPPublisher?, consumers: [AMQPConsumer]) -> ReadinessCheck {
        ReadinessCheck("broker") {
            if let publisher, !publisher.isConnected { return "not connected: publisher" }
            if consumers.contains(where: { !$0.isConnected }) { return "not connected: consumer" }
            return nil
        }
    }
}
