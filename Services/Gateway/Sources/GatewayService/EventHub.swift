import CoxswainCore
import CoxswainObservability
import Foundation
import Metrics
import Synchronization

/// Something a stream subscriber receives.
package enum HubItem: Sendable {
    /// A job event, with its raw JSON (forwarded as is).
    case job(JobEvent, [UInt8])
    /// A live output chunk's raw JSON, with the node of the routing key it came on.
    case output(node: String, [UInt8])
    /// A bootstrap run's progress (the hub keys runs by their id, like jobs).
    case bootstrap(BootstrapEvent, [UInt8])
    /// A periodic reminder to re-check the job in Postgres (a safety net for lost events).
    case tick
}

/// Fans events from the Gateway's own broker queue out to the SSE streams watching each job.
/// It keeps a short backlog per job (the last `backlogLimit` items, for `backlogAge`) and replays it
/// to a new subscriber, so a client that subscribes just after submitting misses nothing of a fast job.
package final class EventHub: Sendable {
    /// An item with its position in its job's stream (1, 2, …; 0 for ticks), which becomes the
    /// server-sent event's id so that a client that reconnects resumes after what it has seen.
    package typealias Numbered = (seq: Int, item: HubItem)

    private struct Backlog {
        var items: [Numbered] = []
        var lastSeq = 0
        var touched: ContinuousClock.Instant
    }

    private struct State {
        var subscribers: [JobID: [UUID: AsyncStream<Numbered>.Continuation]] = [:]
        var backlogs: [JobID: Backlog] = [:]
        var publishes = 0
    }

    /// This hub's identity: event ids are `<instance>.<seq>`, meaningful only to the same Gateway process.
    package let instance = String(UUID().uuidString.lowercased().prefix(8))

    private let state = Mutex(State())
    /// `coxswain_sse_clients`: subscribers (open event streams) right now.
    private let clients = Meter(label: MetricName.sseClients)
    let backlogLimit: Int
    let backlogAge: Duration

    package init(backlogLimit: Int = 2000, backlogAge: Duration = .seconds(60)) {
        self.backlogLimit = backlogLimit
        self.backlogAge = backlogAge
    }

    /// Subscribes to one job's events (its recent backlog first, or only what follows `after`) until `unsubscribe`.
    package func subscribe(_ job: JobID, after: Int = 0) -> (id: UUID, stream: AsyncStream<Numbered>, continuation: AsyncStream<Numbered>.Continuation) {
        let (stream, continuation) = AsyncStream<Numbered>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = UUID()
        state.withLock { s in
            for item in s.backlogs[job]?.items ?? [] where item.seq > after { continuation.yield(item) }
            s.subscribers[job, default: [:]][id] = continuation
        }
        clients.increment()
        return (id, stream, continuation)
    }

    package func unsubscribe(_ job: JobID, id: UUID) {
        let c = state.withLock { s -> AsyncStream<Numbered>.Continuation? in
            let c = s.subscribers[job]?.removeValue(forKey: id)
            if s.subscribers[job]?.isEmpty == true { s.subscribers[job] = nil }
            return c
        }
        if let c {
            clients.decrement()
            c.finish()
        }
    }

    /// Delivers an item to the job's subscribers and keeps it in the job's backlog. Yielding under
    /// the lock keeps backlog replay and live items in order.
    package func publish(_ job: JobID, _ item: HubItem) {
        let now = ContinuousClock.now
        state.withLock { s in
            var backlog = s.backlogs[job] ?? Backlog(touched: now)
            backlog.lastSeq += 1
            let numbered = (seq: backlog.lastSeq, item: item)
            backlog.items.append(numbered)
            if backlog.items.count > backlogLimit { backlog.items.removeFirst(backlog.items.count - backlogLimit) }
            backlog.touched = now
            s.backlogs[job] = backlog
            for c in (s.subscribers[job] ?? [:]).values { c.yield(numbered) }
            s.publishes += 1
            if s.publishes % 256 == 0 {
                s.backlogs = s.backlogs.filter { now - $0.value.touched < backlogAge }
            }
        }
    }

    /// Number of open streams (for tests and metrics).
    package var subscriberCount: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.count } } }
}
