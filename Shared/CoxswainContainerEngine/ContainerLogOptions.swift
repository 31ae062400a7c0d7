/// Which log output ``ContainerEngine/logs(_:options:)`` and ``ContainerEngine/followLogs(_:options:)`` return.
package struct ContainerLogOptions: Sendable, Equatable {
    /// Include standard output.
    package var stdout: Bool
    /// Include standard error.
    package var stderr: Bool
    /// Only the last `tail` lines (`nil`: all).
    package var tail: Int?
    /// Only output since this time, seconds since 1970 (`nil`: from the start).
    package var since: Int64?
    /// Prefix each line with its RFC 3339 timestamp.
    package var timestamps: Bool

    /// Options; by default all of stdout and stderr, without timestamps.
    package init(stdout: Bool = true, stderr: Bool = true, tail: Int? = nil, since: Int64? = nil, timestamps: Bool = false) {
        self.stdout = stdout
        self.stderr = stderr
        self.tail = tail
        self.since = since
        self.timestamps = timestamps
    }

    /// The query parameters of `GET /containers/{id}/logs`.
    func query(follow: Bool) -> [(String, String)] {
        var query: [(String, String)] = [
            ("stdout", stdout ? "1" : "0"), ("stderr", stderr ? "1" : "0"), ("follow", follow ? "1" : "0"),
            ("timestamps", timestamps ? "1" : "0"), ("tail", tail.map { "\(max(0, $0))" } ?? "all"),
        ]
        if let since { query.append(("since", "\(since)")) }
        return query
    }
}
