import Logging
import Synchronization

/// Collects every log line rendered as text (level, message, metadata), for assertions on what
/// would have been logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A trace-level logger writing here.
    func logger(label: String = "notify-tests") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

/// A `LogHandler` that renders into a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered)")
    }
}
