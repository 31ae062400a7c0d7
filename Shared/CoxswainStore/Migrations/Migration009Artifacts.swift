extension Migration {
    /// ADD/COPY artifacts (content-addressed, per team, stored in 1 MiB chunks so several Gateway
    /// replicas serve them), QUERY and JOB_WAIT gates, QUEUESENTINEL and REBOOT, orchestration
    /// parents for `manage --analyze-parent`.
    static let m009Artifacts = Migration(
        version: 9,
        name: "artifacts-gates-parents",
        statements: [
            """
            CREATE TABLE artifacts (
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                digest text NOT NULL,
                size bigint NOT NULL,
                complete boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (team_id, digest)
            )
            """,
            """
            CREATE TABLE artifact_chunks (
                team_id uuid NOT NULL,
                digest text NOT NULL,
                n int NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (team_id, digest, n),
                FOREIGN KEY (team_id, digest) REFERENCES artifacts (team_id, digest) ON DELETE CASCADE
            )
            """,
            "ALTER TABLE tasks ADD COLUMN artifacts text",
            "ALTER TABLE tasks ADD COLUMN artifact_digests text[]",
            "ALTER TABLE tasks ADD COLUMN step_fingerprint text",
            "ALTER TABLE tasks ADD COLUMN gate int",
            "ALTER TABLE tasks ADD COLUMN query_value text",
            "CREATE INDEX tasks_gated ON tasks (job_id) WHERE gate IS NOT NULL AND status = 'pending'",
            "CREATE INDEX tasks_step_fingerprint ON tasks (step_fingerprint, node)",
            "CREATE INDEX tasks_query ON tasks (job_id, seq) WHERE verb = 'QUERY'",
            """
            CREATE TABLE job_queries (
                job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                seq int NOT NULL,
                delivered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (job_id, seq)
            )
            """,
            "ALTER TABLE jobs ADD COLUMN parent_id uuid",
            "CREATE INDEX jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL",
            "ALTER TABLE nodes ADD COLUMN reboot_requested_at timestamptz",
        ]
    )
}
