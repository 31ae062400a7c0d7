import CoxswainCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers a request for a job's or a bootstrap run's events with a stream of server-sent events
/// fed by the `EventHub`.
struct EventStreamResponder: Sendable {
    let hub: EventHub

    /// Streams the hub's items for `key` as server-sent events, then an `end` event with the
    /// final summary. The stream ends when `render` says an item finished it, or when a tick
    /// (every 2 s) finds `summary` final — so a finish missed while subscribing still ends it.
    ///
    /// Each event carries an id (`<gateway instance>.<seq>`); a client reconnecting with
    /// `Last-Event-ID` to the same Gateway gets only what followed (another Gateway replays its
    /// backlog). While the database is unreachable the stream stays open and says so in a comment.
    ///
    /// - Parameters:
    ///   - summary: Whether the job or run is final, and its encoded summary; `nil` when it is gone.
    ///   - render: The event to write for an item (or none), and whether it finished the stream.
    func stream(
        key: JobID, banner: String, lastEventID: String? = nil, summary: @escaping @Sendable () async throws -> (isFinal: Bool, encoded: [UInt8])?,
        render: @escaping @Sendable (HubItem) async -> (ByteBuffer?, Bool)
    ) -> Response {
        let hub = self.hub
        var after = 0
        if let lastEventID, let dot = lastEventID.firstIndex(of: "."), lastEventID[..<dot] == hub.instance {
            after = Int(lastEventID[lastEventID.index(after: dot)...]) ?? 0
        }
        let subscription = hub.subscribe(key, after: after)
        let instance = hub.instance
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        subscription.continuation.yield((seq: 0, item: .tick))
                    }
                }
                defer {
                    ticker.cancel()
                    hub.unsubscribe(key, id: subscription.id)
                }
                try await writer.write(ByteBuffer(string: ": stream of \(banner)\n\n"))
                // Subscribed first, then checked: what finished before we subscribed still ends the stream.
                if let (isFinal, encoded) = try? await summary(), isFinal {
                    try await writer.write(APIResponse.sse(.end, encoded))
                    try await writer.finish(nil)
                    return
                }
                var unreachableSince: Date?
                for await (seq, item) in subscription.stream {
                    var (event, finished) = await render(item)
                    if var event {
                        if seq > 0 {
                            var numbered = ByteBuffer(string: "id: \(instance).\(seq)\n")
                            numbered.writeImmutableBuffer(event)
                            event = numbered
                        }
                        try await writer.write(event)
                    }
                    if case .tick = item {
                        do {
                            guard let state = try await summary() else { break }
                            finished = state.isFinal
                            if let since = unreachableSince {
                                try await writer.write(ByteBuffer(string: ": database reachable again (unreachable since \(WireCoding.formatDate(since)))\n\n"))
                                unreachableSince = nil
                            }
                        } catch {
                            // Keep the client's stream open through a database restart; it learns the outcome when the database is back.
                            let since = unreachableSince ?? Date()
                            unreachableSince = since
                            try await writer.write(ByteBuffer(string: ": waiting: database unreachable since \(WireCoding.formatDate(since))\n\n"))
                        }
                    }
                    if finished {
                        if let (_, encoded) = try? await summary() { try await writer.write(APIResponse.sse(.end, encoded)) }
                        break
                    }
                }
                try await writer.finish(nil)
            }
        )
    }
}
