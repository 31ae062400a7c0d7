/// How a node authenticates an artifact download (`GET /v1/node/artifacts/{digest}`): it signs
/// ``signedText(node:task:digest:time:)`` with its own Ed25519 key; the Gateway checks the
/// signature against the enrolled key, the time (±5 minutes) and that the node has a pending task
/// needing that digest.
public enum ArtifactFetch {
    public static let nodeHeader = "X-Coxswain-Node"
    public static let taskHeader = "X-Coxswain-Task"
    public static let timeHeader = "X-Coxswain-Time"
    public static let signatureHeader = "X-Coxswain-Signature"
    /// The largest clock difference accepted, in seconds.
    public static let maximumSkew: Double = 300

    public static func signedText(node: String, task: String, digest: String, time: Int64) -> String {
        "coxswain-artifact-fetch\n\(node)\n\(task)\n\(digest)\n\(time)"
    }
}
