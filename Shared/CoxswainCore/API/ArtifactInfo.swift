/// What the Gateway knows of an uploaded artifact (`GET/PUT /v1/artifacts/{digest}`).
public struct ArtifactInfo: Codable, Sendable, Equatable {
    public var digest: String
    public var size: Int64

    public init(digest: String, size: Int64) {
        self.digest = digest
        self.size = size
    }
}
