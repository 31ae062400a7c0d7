extension Migration {
    /// Each task's job fingerprint on its node, and whether it was answered from the node's job cache.
    static let m005Fingerprints = Migration(
        version: 5,
        name: "task-fingerprints",
        statements: [
            "ALTER TABLE tasks ADD COLUMN fingerprint text",
            "ALTER TABLE tasks ADD COLUMN cached boolean NOT NULL DEFAULT false",
        ]
    )
}
