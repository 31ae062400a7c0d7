/// One file of an `ADD`/`COPY` job: uploaded once by the CLI as a content-addressed artifact
/// (`PUT /v1/artifacts/{digest}`), fetched by each agent that runs the job and verified by digest.
public struct ArtifactRef: Codable, Sendable, Equatable, Hashable {
    /// The file's path as matched on the submitting machine, relative to the orchestration's
    /// folder when it was under it (the agent uses its last component under a directory DEST).
    public var name: String
    /// Lower-case hex SHA-256 of the content.
    public var digest: String
    public var size: Int64
    /// The source file's permission bits, used when the job gives no `--chmod`.
    public var mode: Int?

    public init(name: String, digest: String, size: Int64, mode: Int? = nil) {
        self.name = name
        self.digest = digest
        self.size = size
        self.mode = mode
    }

    /// The last path component of ``name``.
    public var fileName: String { name.split(separator: "/").last.map(String.init) ?? name }

    /// Whether `text` is a lower-case hex SHA-256 (64 characters).
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
