/// Bookkeeping of publisher confirms on one channel in confirm mode: the broker numbers
/// publishes 1, 2, 3… and acks or nacks them, singly or "up to and including" (`multiple`).
/// Pure state, no I/O.
struct PublisherConfirms: Sendable {
    /// Tag the next publish gets.
    private(set) var nextTag: UInt64 = 1
    /// Published tags not yet acked or nacked, ascending.
    private(set) var outstanding: [UInt64] = []
    /// Tags in the watched range that the broker nacked.
    private(set) var nackedInWatch = false
    /// Range of a batch whose confirms a caller waits for.
    private var watched: ClosedRange<UInt64>?

    /// Records one publish and returns its delivery tag.
    mutating func recordPublish() -> UInt64 {
        let tag = nextTag
        nextTag += 1
        outstanding.append(tag)
        return tag
    }

    /// Starts watching `range` for nacks (one batch at a time).
    mutating func watch(_ range: ClosedRange<UInt64>) {
        watched = range
        nackedInWatch = false
    }

    /// Stops watching.
    mutating func unwatch() {
        watched = nil
        nackedInWatch = false
    }

    /// `true` while any tag of `range` awaits its confirm.
    func isPending(_ range: ClosedRange<UInt64>) -> Bool {
        let index = firstIndex(notBelow: range.lowerBound)
        return index < outstanding.count && outstanding[index] <= range.upperBound
    }

    /// Number of publishes awaiting a confirm.
    var pendingCount: Int { outstanding.count }

    /// Applies a `basic.ack`.
    mutating func ack(_ tag: UInt64, multiple: Bool) { settle(tag, multiple: multiple, nacked: false) }

    /// Applies a `basic.nack`; returns how many outstanding publishes it covered.
    @discardableResult
    mutating func nack(_ tag: UInt64, multiple: Bool) -> Int { settle(tag, multiple: multiple, nacked: true) }

    @discardableResult
    private mutating func settle(_ tag: UInt64, multiple: Bool, nacked: Bool) -> Int {
        let removed: ArraySlice<UInt64>
        if multiple {
            let end = firstIndex(notBelow: tag + 1)
            removed = outstanding[..<end]
            outstanding.removeFirst(end)
        } else {
            let index = firstIndex(notBelow: tag)
            guard index < outstanding.count, outstanding[index] == tag else { return 0 }
            removed = [tag]
            outstanding.remove(at: index)
        }
        if nacked, let watched, removed.contains(where: { watched.contains($0) }) {
            nackedInWatch = true
        }
        return removed.count
    }

    private func firstIndex(notBelow tag: UInt64) -> Int {
        var low = 0
        var high = outstanding.count
        while low < high {
            let mid = (low + high) / 2
            if outstanding[mid] < tag { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
