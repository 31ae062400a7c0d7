extension Migration {
    /// A running bootstrap run is leased by the Bootstrapper executing it (renewed while it runs),
    /// so a redelivered request does not start it twice.
    static let m011BootstrapLease = Migration(
        version: 11,
        name: "bootstrap-lease",
        statements: ["ALTER TABLE bootstrap_runs ADD COLUMN lease_until timestamptz"]
    )
}
