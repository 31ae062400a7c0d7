extension Migration {
    /// Nodes, jobs, tasks and the audit log.
    static let m001Foundation = Migration(
        version: 1,
        name: "foundation",
        statements: [
            """
            CREATE TABLE nodes (
                name text PRIMARY KEY,
                machine_id text NOT NULL,
                version text NOT NULL,
                labels text NOT NULL DEFAULT '{}',
                status text NOT NULL,
                host_uptime_seconds double precision NOT NULL DEFAULT 0,
                agent_started_at timestamptz NOT NULL,
                heartbeat_interval_seconds double precision NOT NULL DEFAULT 5,
                first_seen timestamptz NOT NULL DEFAULT clock_timestamp(),
                last_seen timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE jobs (
                id uuid PRIMARY KEY,
                verb text NOT NULL,
                arguments text NOT NULL,
                targets text[] NOT NULL,
                timeout_seconds double precision NOT NULL,
                status text NOT NULL,
                submitted_by text NOT NULL,
                error text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                dispatched_at timestamptz,
                finished_at timestamptz
            )
            """,
            "CREATE INDEX jobs_created_at ON jobs (created_at DESC)",
            "CREATE INDEX jobs_submitted ON jobs (created_at) WHERE status = 'submitted'",
            """
            CREATE TABLE tasks (
                id uuid PRIMARY KEY,
                job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                node text NOT NULL,
                seq int NOT NULL DEFAULT 0,
                status text NOT NULL,
                timeout_seconds double precision NOT NULL,
                exit_code int,
                stdout text NOT NULL DEFAULT '',
                stderr text NOT NULL DEFAULT '',
                error text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                dispatched_at timestamptz,
                started_at timestamptz,
                finished_at timestamptz,
                result_received_at timestamptz,
                UNIQUE (job_id, node, seq)
            )
            """,
            "CREATE INDEX tasks_pending ON tasks (created_at) WHERE status = 'pending'",
            """
            CREATE TABLE audit_events (
                id bigserial PRIMARY KEY,
                message_id text NOT NULL UNIQUE,
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                event_time timestamptz,
                routing_key text NOT NULL,
                message_type text,
                payload jsonb NOT NULL
            )
            """,
            "CREATE INDEX audit_events_event_time ON audit_events (event_time)",
        ]
    )
}
