import CoxswainAMQP
import Synchronization

/// Buffers deliveries and hands them out in batches: `next(max:)` waits for at least one and then
/// takes everything already buffered (up to `max`). Under load, batches grow by themselves while the
/// previous batch is being written; when idle, a single delivery is handled at once (no time window).
package final class DeliveryBatcher: Sendable {
    private struct State {
        var buffer: [AMQPDelivery] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Feeds the batcher from a delivery stream until it ends.
    package func pump(_ deliveries: AsyncStream<AMQPDelivery>) async {
        for await delivery in deliveries {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                s.buffer.append(delivery)
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The next batch, or nil once the stream has ended and the buffer is empty.
    package func next(max: Int) async -> [AMQPDelivery]? {
        while true {
            if Task.isCancelled { return nil }
            let taken = state.withLock { s -> [AMQPDelivery]?? in
                if !s.buffer.isEmpty {
                    let n = Swift.min(max, s.buffer.count)
                    let batch = Array(s.buffer.prefix(n))
                    s.buffer.removeFirst(n)
                    return .some(batch)
                }
                return s.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if !s.buffer.isEmpty || s.finished || Task.isCancelled { return true }
                        s.waiter = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                    defer { s.waiter = nil }
                    return s.waiter
                }
                waiter?.resume()
            }
        }
    }
}
