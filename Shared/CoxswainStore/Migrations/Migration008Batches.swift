extension Migration {
    /// Batch mode (Salt's `--batch`): at most `batch_size` nodes run a job at a time; the other
    /// nodes' tasks are held until one finishes.
    static let m008Batches = Migration(
        version: 8,
        name: "batch-mode",
        statements: [
            "ALTER TABLE jobs ADD COLUMN batch text",
            "ALTER TABLE tasks ADD COLUMN held boolean NOT NULL DEFAULT false",
        ]
    )
}
