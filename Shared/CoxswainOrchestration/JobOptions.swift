/// The options every verb takes (Directord's `ComponentBase` arguments), whether written
/// inline (`RUN: --skip-cache --timeout 30 make`) or under the job's `vars:`
/// (`skip_cache: true`, `timeout: 30`).
package struct JobOptions: Sendable, Equatable, Codable {
    /// Directord's default `--timeout`, in seconds.
    package static let defaultTimeout: Double = 600

    /// `--skip-cache`: run even when the node's cache says this job already ran.
    package var skipCache: Bool
    /// `--run-once`: run on one node of the targets only.
    package var runOnce: Bool
    /// `--timeout N`: seconds before the job is stopped and failed (default 600). Directord
    /// accepts whole seconds only; Coxswain also accepts a fraction (`--timeout 2.5`).
    package var timeout: Double
    /// `--stdout-arg NAME`: store the job's trimmed stdout as the cached argument `NAME`.
    package var stdoutArg: String?
    /// `--stderr-arg NAME`: store the job's trimmed stderr as the cached argument `NAME`.
    package var stderrArg: String?
    /// `--exec-help`: print the verb's help (``VerbParser/help(verb:)``) instead of running.
    package var execHelp: Bool
    /// `--force-lock`: run the job while holding the node's component lock.
    package var forceLock: Bool
    /// `--retry N` on the verbs whose whole job Directord re-runs on failure (`RUN`,
    /// `SERVICE`, `DNF`/`PKG`): the number of attempts in all, so `1` means no retry. Holds
    /// the verb's default when not written (`RUN` 1, `SERVICE` 3, `DNF`/`PKG` 3) and is `nil`
    /// for every other verb (`WAIT`'s `--retry` counts condition checks and lives in its
    /// ``VerbCall/wait(_:retry:retryWait:)``).
    package var retry: Int?

    /// Options with Directord's defaults.
    package init(
        skipCache: Bool = false, runOnce: Bool = false, timeout: Double = JobOptions.defaultTimeout, stdoutArg: String? = nil,
        stderrArg: String? = nil, execHelp: Bool = false, forceLock: Bool = false, retry: Int? = nil
    ) {
        self.skipCache = skipCache
        self.runOnce = runOnce
        self.timeout = timeout
        self.stdoutArg = stdoutArg
        self.stderrArg = stderrArg
        self.execHelp = execHelp
        self.forceLock = forceLock
        self.retry = retry
    }
}
