extension Migration {
    /// Secret environment variables of a job: sealed with the master key (names kept in clear for display).
    static let m004JobSecrets = Migration(
        version: 4,
        name: "job-secrets",
        statements: [
            "ALTER TABLE jobs ADD COLUMN secret_env bytea",
            "ALTER TABLE jobs ADD COLUMN secret_names text[] NOT NULL DEFAULT '{}'",
        ]
    )
}
