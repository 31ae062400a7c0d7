/// Thrown by ``withTimeout(_:_:_:)`` when the deadline passes first.
public struct TimeoutError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Runs `body`, cancelling it and throwing ``TimeoutError`` when `limit` passes first.
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimeoutError(description: "timed out after \(limit): \(what)")
        }
        return value
    }
}
