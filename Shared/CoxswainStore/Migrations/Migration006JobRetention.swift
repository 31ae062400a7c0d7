extension Migration {
    /// Finds finished jobs past retention without scanning the table.
    static let m006JobRetention = Migration(
        version: 6,
        name: "job-retention-index",
        statements: ["CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('succeeded', 'failed')"]
    )
}
