extension Migration {
    /// Deploy tokens for CI: each scoped to one deployment, expiring, revocable, stored hashed.
    static let m016DeployTokens = Migration(
        version: 16,
        name: "deploy tokens",
        statements: [
            """
            CREATE TABLE deploy_tokens (
                id uuid PRIMARY KEY,
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
                name text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                created_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                expires_at timestamptz NOT NULL,
                revoked_at timestamptz,
                last_used_at timestamptz,
                UNIQUE (deployment_id, name))
            """
        ]
    )
}
