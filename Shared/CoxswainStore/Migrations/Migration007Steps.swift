extension Migration {
    /// Orchestration blocks: a job has ordered steps (each task records its own verb and
    /// arguments), may wait for another job, and may have a name.
    static let m007Steps = Migration(
        version: 7,
        name: "orchestration-steps",
        statements: [
            "ALTER TABLE jobs ADD COLUMN steps text",
            "ALTER TABLE jobs ADD COLUMN after_job uuid REFERENCES jobs (id) ON DELETE SET NULL",
            "ALTER TABLE jobs ADD COLUMN name text",
            "CREATE INDEX jobs_after ON jobs (after_job) WHERE after_job IS NOT NULL",
            "ALTER TABLE tasks ADD COLUMN verb text",
            "ALTER TABLE tasks ADD COLUMN arguments text",
            "ALTER TABLE tasks ADD COLUMN vars text",
        ]
    )
}
