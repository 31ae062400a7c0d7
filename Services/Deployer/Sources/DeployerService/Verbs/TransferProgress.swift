import CoxswainContainerEngine
import Foundation

/// A pull's or push's progress as live output lines, for every verb that moves images (image-pull
/// of `CONTAINER`, `CONTAINER_IMAGE --pull/--push`): one line each time a layer's status changes
/// (byte counts are left out, or a 100 MB layer would print a thousand lines), plus libpod's
/// `stream` lines as they come.
enum TransferProgress {
    /// Follows `progress` to its end, emitting lines on `context`; returns how many it emitted.
    /// Rethrows the stream's error (a ``ContainerEngineError`` for registry failures).
    @discardableResult
    static func follow(_ progress: AsyncThrowingStream<PullProgress, any Error>, context: VerbContext) async throws -> Int {
        var last = ""
        var emitted = 0
        for try await line in progress {
            let text = Self.line(line)
            if !text.isEmpty, text != last {
                context.emit(.stdout, text + "\n")
                last = text
                emitted += 1
            }
        }
        return emitted
    }

    /// The text of one progress line: `ID STATUS`, or libpod's stream text, trimmed.
    static func line(_ progress: PullProgress) -> String {
        if let stream = progress.stream?.trimmingCharacters(in: .whitespacesAndNewlines), !stream.isEmpty { return stream }
        return [progress.id, progress.status].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
