extension Migration {
    /// Teams' image registries: the password sealed with the master key (bound to the row's id).
    static let m014Registries = Migration(
        version: 14,
        name: "registries",
        statements: [
            """
            CREATE TABLE registries (
                id uuid PRIMARY KEY,
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                name text NOT NULL,
                kind text NOT NULL,
                url text,
                namespace text,
                api_url text,
                plain_http boolean NOT NULL DEFAULT false,
                username text,
                password_sealed bytea,
                description text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (team_id, name))
            """
        ]
    )
}
