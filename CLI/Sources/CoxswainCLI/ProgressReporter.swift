import CoxswainCore
import Foundation
import Synchronization

/// Shows a watched job's `JobProgress` on standard error: on a terminal one line redrawn in
/// place (done/total, failed, elapsed, the slowest nodes); otherwise a plain line every
/// `interval` (`COXSWAIN_PROGRESS_SECONDS`, default 10), so logs of long runs show life.
final class ProgressReporter: Sendable {
    let label: String
    let terminal: Bool
    let interval: Duration
    let started = ContinuousClock.now
    private let state = Mutex(JobProgress())
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    init(label: String, terminal: Bool = isatty(STDERR_FILENO) == 1, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.terminal = terminal
        let seconds = environment["COXSWAIN_PROGRESS_SECONDS"].flatMap(Double.init).flatMap { $0 > 0 && $0 <= 3600 ? $0 : nil } ?? 10
        self.interval = terminal ? .milliseconds(250) : .milliseconds(Int64(seconds * 1000))
    }

    /// Changes the progress (redrawn at once on a terminal).
    func update(_ body: (inout JobProgress) -> Void) {
        state.withLock { body(&$0) }
        if terminal { draw() }
    }

    /// The line as it would be printed now.
    var line: String {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return "\(label): " + state.withLock { $0.line(elapsed: seconds) }
    }

    func start() {
        let task = Task.detached { [self] in
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var i = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                if terminal {
                    draw(frame: frames[i % frames.count])
                    i += 1
                } else {
                    FileHandle.standardError.write(Data("progress: \(line)\n".utf8))
                }
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Stops redrawing and clears the line (on a terminal).
    func stop() {
        let task = ticker.withLock { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        guard let task else { return }
        task.cancel()
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func draw(frame: String = "⠿") {
        let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 120
        var text = "\(frame) \(line)"
        if text.count > max(columns - 1, 20) { text = String(text.prefix(max(columns - 2, 19))) + "…" }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }
}

/// While installed, Ctrl-C (SIGINT) detaches from a watched job instead of killing the CLI
/// mid-line: it clears the progress line, says how to follow the job later and exits 130. The
/// job itself is never cancelled (it runs on the nodes, not here).
final class InterruptDetach: Sendable {
    private let source: Mutex<(any DispatchSourceSignal)?>

    /// Installs the handler; `hint` is the command that shows the job later.
    init(hint: String, before: @escaping @Sendable () -> Void = {}) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            before()
            FileHandle.standardError.write(Data("\ndetached; the job continues: \(hint)\n".utf8))
            exit(130)
        }
        source.resume()
        self.source = Mutex(source)
    }

    /// Removes the handler: Ctrl-C ends the CLI again.
    func remove() {
        source.withLock {
            $0?.cancel()
            $0 = nil
        }
        signal(SIGINT, SIG_DFL)
    }
}
