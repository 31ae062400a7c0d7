extension Migration {
    /// Container delivery: products, versions (incremental ones chained by `parent_id`), their images
    /// with the image-layer configuration, deployments with their deployment and instance layers and
    /// sealed secrets, every try (with the configuration it froze) and every event of a try.
    static let m015Delivery = Migration(
        version: 15,
        name: "delivery",
        statements: [
            """
            CREATE TABLE products (
                id uuid PRIMARY KEY,
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                name text NOT NULL,
                kind text NOT NULL,
                description text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (team_id, name))
            """,
            """
            CREATE TABLE versions (
                id uuid PRIMARY KEY,
                product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
                name text NOT NULL,
                kind text NOT NULL,
                changelog text,
                is_default boolean NOT NULL DEFAULT false,
                parent_id uuid REFERENCES versions (id) ON DELETE SET NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (product_id, name))
            """,
            "CREATE UNIQUE INDEX versions_one_default ON versions (product_id) WHERE is_default",
            "CREATE UNIQUE INDEX versions_one_child ON versions (parent_id) WHERE parent_id IS NOT NULL",
            """
            CREATE TABLE version_images (
                version_id uuid NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
                name text NOT NULL,
                registry text NOT NULL,
                image text NOT NULL,
                tag text NOT NULL,
                position integer NOT NULL,
                config jsonb NOT NULL,
                PRIMARY KEY (version_id, name))
            """,
            """
            CREATE TABLE deployments (
                id uuid PRIMARY KEY,
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                product_id uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
                version_id uuid NOT NULL REFERENCES versions (id) ON DELETE RESTRICT,
                node text NOT NULL,
                prefix text NOT NULL,
                note text,
                protected boolean NOT NULL DEFAULT false,
                status text NOT NULL,
                tries integer NOT NULL DEFAULT 0,
                current_job uuid,
                config jsonb,
                instances jsonb,
                secrets_sealed bytea,
                secret_names text[] NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """,
            "CREATE INDEX deployments_target ON deployments (team_id, node, prefix)",
            "CREATE INDEX deployments_in_progress ON deployments (current_job) WHERE status = 'in_progress'",
            """
            CREATE TABLE deployment_tries (
                deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
                try integer NOT NULL,
                job_id uuid NOT NULL,
                rollback boolean NOT NULL,
                frozen jsonb NOT NULL,
                status text NOT NULL,
                actor text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                finished_at timestamptz,
                PRIMARY KEY (deployment_id, try))
            """,
            """
            CREATE TABLE deployment_events (
                deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
                try integer NOT NULL,
                seq integer NOT NULL,
                time timestamptz NOT NULL DEFAULT clock_timestamp(),
                kind text NOT NULL,
                instance text,
                message text NOT NULL,
                PRIMARY KEY (deployment_id, try, seq))
            """,
        ]
    )
}
