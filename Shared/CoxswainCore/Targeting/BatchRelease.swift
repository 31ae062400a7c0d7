/// Batch mode's next step for one job, decided from counts alone (pure, unit-tested): start more
/// held nodes, skip every held one (`--fail-fast` after a failure), or wait.
public enum BatchRelease: Sendable, Equatable {
    /// Start this many held nodes (in name order).
    case release(Int)
    /// Fail-fast: a task failed, so no held node starts; each ends `skipped`.
    case skipHeld
    /// Nothing to do now (the window is full, nothing is held, or a slot is still pausing).
    case wait

    /// The reason a held task ends with under `--fail-fast`.
    public static let skippedReason = "skipped: not started because a task of this job failed (--fail-fast)"

    /// Decides for a job of `total` nodes with `batch` (`10`, `25%`), `held` nodes not started,
    /// `occupied` nodes started and still running or within their `--batch-wait` pause, and
    /// `failed` failed tasks.
    public static func decide(batch: String, total: Int, held: Int, occupied: Int, failed: Int, failFast: Bool) -> BatchRelease {
        guard held > 0 else { return .wait }
        if failFast, failed > 0 { return .skipHeld }
        guard let window = SubmitJobRequest.batchWindow(batch, nodes: total), occupied < window else { return .wait }
        return .release(min(held, window - occupied))
    }
}
