import CoxswainCore
import Foundation
import Synchronization

/// Something a stream subscriber receives.
package enum HubItem: Sendable {
    /// A job event, with its raw JSON (forwarded as is).
    case job(JobEvent, [UInt8])
    /// A live output chunk's raw JSON.
    case output([UInt8])
    /// A periodic reminder to re-check the job in Postgres (a safety net for lost events).
    case tick
}

/// Fans events from the Gateway's own broker queue out to the SSE streams watching each job.
package final class EventHub: Sendable {
    private let subscribers = Mutex([JobID: [UUID: AsyncStream<HubItem>.Continuation]]())

    package init() {}

    /// Subscribes to one job's events until `unsubscribe`.
    package func subscribe(_ job: JobID) -> (id: UUID, stream: AsyncStream<HubItem>, continuation: AsyncStream<HubItem>.Continuation) {
        let (stream, continuation) = AsyncStream<HubItem>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = UUID()
        subscribers.withLock { $0[job, default: [:]][id] = continuation }
        return (id, stream, continuation)
    }

    package func unsubscribe(_ job: JobID, id: UUID) {
        let c = subscribers.withLock { s -> AsyncStream<HubItem>.Continuation? in
            let c = s[job]?.removeValue(forKey: id)
            if s[job]?.isEmpty == true { s[job] = nil }
            return c
        }
        c?.finish()
    }

    package func publish(_ job: JobID, _ item: HubItem) {
        let targets = subscribers.withLock { Array(($0[job] ?? [:]).values) }
        for c in targets { c.yield(item) }
    }

    /// Number of open streams (for tests and metrics).
    package var subscriberCount: Int { subscribers.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
