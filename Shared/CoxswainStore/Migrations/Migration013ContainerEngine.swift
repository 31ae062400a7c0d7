extension Migration {
    /// The container engine a node reports in its heartbeat (`ContainerEngineReport` as JSON).
    static let m013ContainerEngine = Migration(
        version: 13,
        name: "node-container-engine",
        statements: ["ALTER TABLE nodes ADD COLUMN engine text"]
    )
}
