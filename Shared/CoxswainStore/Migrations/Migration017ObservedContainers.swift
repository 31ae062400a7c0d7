extension Migration {
    /// What each node last reported running for each deployment (from its containers' labels).
    static let m017ObservedContainers = Migration(
        version: 17,
        name: "observed containers",
        statements: [
            """
            CREATE TABLE deployment_containers (
                deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
                node text NOT NULL,
                container text NOT NULL,
                instance text NOT NULL,
                state text NOT NULL,
                image text,
                seen_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (deployment_id, container))
            """,
            "CREATE INDEX deployment_containers_node ON deployment_containers (node)",
        ]
    )
}
