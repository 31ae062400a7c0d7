extension Migration {
    /// Bootstrap runs (per host, per step, with output and fetched files), the per-team known
    /// host keys and the per-team SSH credentials (sealed with the master key).
    static let m010Bootstrap = Migration(
        version: 10,
        name: "bootstrap",
        statements: [
            """
            CREATE TABLE bootstrap_runs (
                id uuid PRIMARY KEY,
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                status text NOT NULL,
                plan text NOT NULL,
                threads int NOT NULL,
                accept_new_host_keys boolean NOT NULL,
                credential text,
                sealed_key bytea,
                submitted_by text NOT NULL,
                error text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                started_at timestamptz,
                finished_at timestamptz
            )
            """,
            "CREATE INDEX bootstrap_runs_team ON bootstrap_runs (team_id, created_at DESC)",
            """
            CREATE TABLE bootstrap_hosts (
                run_id uuid NOT NULL REFERENCES bootstrap_runs (id) ON DELETE CASCADE,
                position int NOT NULL,
                name text NOT NULL,
                host text NOT NULL,
                port int NOT NULL,
                username text NOT NULL,
                role text NOT NULL,
                status text NOT NULL DEFAULT 'pending',
                error text,
                started_at timestamptz,
                finished_at timestamptz,
                PRIMARY KEY (run_id, position)
            )
            """,
            """
            CREATE TABLE bootstrap_steps (
                run_id uuid NOT NULL,
                position int NOT NULL,
                seq int NOT NULL,
                label text NOT NULL,
                status text NOT NULL DEFAULT 'pending',
                exit_code int,
                output text NOT NULL DEFAULT '',
                started_at timestamptz,
                finished_at timestamptz,
                PRIMARY KEY (run_id, position, seq),
                FOREIGN KEY (run_id, position) REFERENCES bootstrap_hosts (run_id, position) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE bootstrap_files (
                run_id uuid NOT NULL REFERENCES bootstrap_runs (id) ON DELETE CASCADE,
                host text NOT NULL,
                local_name text NOT NULL,
                remote_path text NOT NULL,
                digest text NOT NULL,
                size bigint NOT NULL,
                PRIMARY KEY (run_id, host, local_name)
            )
            """,
            """
            CREATE TABLE known_hosts (
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                host text NOT NULL,
                port int NOT NULL,
                algorithm text NOT NULL,
                key text NOT NULL,
                fingerprint text NOT NULL,
                added_by text NOT NULL,
                added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (team_id, host, port, algorithm)
            )
            """,
            """
            CREATE TABLE ssh_credentials (
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                name text NOT NULL,
                sealed_key bytea NOT NULL,
                created_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (team_id, name)
            )
            """,
        ]
    )
}
