import Synchronization

/// Bounds how many expensive operations (Argon2id: 64 MiB and a thread each) run at once: at
/// most `capacity` run, at most `queueLength` more wait in FIFO order, and any beyond are refused
/// at once (the caller answers 429), so memory and threads stay bounded whatever clients send.
final class WorkLimiter: Sendable {
    let capacity: Int
    let queueLength: Int
    private let state = Mutex(State())

    private struct State {
        var running = 0
        var nextID: UInt64 = 0
        /// Waiters in arrival order.
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        /// Waiters admitted to the queue but not yet parked (their continuation is being created).
        var arriving: Set<UInt64> = []
        /// Arriving waiters cancelled before they parked.
        var cancelled: Set<UInt64> = []
    }

    init(capacity: Int, queueLength: Int) {
        precondition(capacity > 0 && queueLength >= 0)
        self.capacity = capacity
        self.queueLength = queueLength
    }

    /// Operations running now, and waiting.
    var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count + $0.arriving.count) } }

    /// Runs `work` once a slot is free; nil (without running it) when the queue is full or the
    /// caller is cancelled while waiting. The slot is held until `work` returns, even when the
    /// caller is cancelled meanwhile (the work itself may not stop).
    func run<T>(_ work: () async throws -> T) async rethrows -> T? {
        guard await acquire() else { return nil }
        defer { release() }
        return try await work()
    }

    private enum Admission {
        case go
        case refuse
        case wait(UInt64)
    }

    func acquire() async -> Bool {
        let admission: Admission = state.withLock { s in
            if s.running < capacity, s.waiting.isEmpty, s.arriving.isEmpty {
                s.running += 1
                return .go
            }
            guard s.waiting.count + s.arriving.count < queueLength else { return .refuse }
            s.nextID += 1
            s.arriving.insert(s.nextID)
            return .wait(s.nextID)
        }
        switch admission {
        case .go: return true
        case .refuse: return false
        case .wait(let id):
            return await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    let answer: Bool? = state.withLock { s in
                        s.arriving.remove(id)
                        if s.cancelled.remove(id) != nil { return false }
                        if s.running < capacity, s.waiting.isEmpty {
                            // A slot came free while this waiter was arriving.
                            s.running += 1
                            return true
                        }
                        s.waiting.append((id, continuation))
                        return nil
                    }
                    if let answer { continuation.resume(returning: answer) }
                }
            } onCancel: {
                let parked: CheckedContinuation<Bool, Never>? = state.withLock { s in
                    if let i = s.waiting.firstIndex(where: { $0.id == id }) { return s.waiting.remove(at: i).continuation }
                    if s.arriving.contains(id) { s.cancelled.insert(id) }
                    return nil
                }
                parked?.resume(returning: false)
            }
        }
    }

    /// Frees a slot: hands it to the longest waiter, if any.
    func release() {
        let next: CheckedContinuation<Bool, Never>? = state.withLock { s in
            if !s.waiting.isEmpty { return s.waiting.removeFirst().continuation }
            s.running -= 1
            return nil
        }
        next?.resume(returning: true)
    }
}
