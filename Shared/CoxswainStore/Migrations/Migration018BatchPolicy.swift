extension Migration {
    /// Batch mode's policy: `--fail-fast` (no node starts after a task of the job failed) and
    /// `--batch-wait` (a finished node's slot stays empty this many seconds).
    static let m018BatchPolicy = Migration(
        version: 18,
        name: "batch policy",
        statements: [
            "ALTER TABLE jobs ADD COLUMN batch_fail_fast boolean NOT NULL DEFAULT false",
            "ALTER TABLE jobs ADD COLUMN batch_wait_seconds double precision",
        ]
    )
}
