extension Migration {
    /// A task overdue without a result is first reconciled from its node (the node is asked for its
    /// stored result) and failed only when the node cannot give one; this records when it was asked.
    /// And a job's content is sealed by the Gateway (`jobs.mac`, see `JobSeal`).
    static let m012Reconcile = Migration(
        version: 12,
        name: "task-reconcile-job-seal",
        statements: [
            "ALTER TABLE tasks ADD COLUMN reconcile_requested_at timestamptz",
            "ALTER TABLE jobs ADD COLUMN mac text",
        ]
    )
}
